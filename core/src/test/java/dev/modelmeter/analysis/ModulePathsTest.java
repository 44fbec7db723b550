package dev.modelmeter.analysis;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** --freeze and --checkpoint: a regex matches a whole dotted name or one of its leading parts. */
class ModulePathsTest {

    private static boolean m(String regex, String name) {
        return ModulePaths.matches(Pattern.compile(regex), name);
    }

    @Test
    void aModulePathMatchesEverythingUnderIt() {
        assertThat(m("layer1", "layer1.0.conv1.weight")).isTrue();
        assertThat(m("layer1\\.0", "layer1.0.conv1.weight")).isTrue();
        assertThat(m("fc", "fc.bias")).isTrue();
    }

    @Test
    void aPartOfAComponentDoesNotMatch() {
        assertThat(m("layer1", "layer10.weight")).isFalse();
        assertThat(m("conv", "layer1.0.conv1.weight")).isFalse();
        assertThat(m("layer", "layer1.0.conv1.weight")).isFalse();
    }

    @Test
    void aWholeNamePatternStillWorks() {
        assertThat(m(".*\\.bias", "layer1.0.bn1.bias")).isTrue();
        assertThat(m(".*\\.bias", "layer1.0.bn1.weight")).isFalse();
        assertThat(m("layer1\\..*", "layer1.0.conv1.weight")).isTrue();
    }
}
