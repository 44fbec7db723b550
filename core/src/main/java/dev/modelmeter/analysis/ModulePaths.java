package dev.modelmeter.analysis;

import java.util.regex.Pattern;

/**
 * How {@code --freeze} and {@code --checkpoint} match names, one rule for both: the regex must match a
 * whole dotted name or one of its leading parts. {@code layer1} matches {@code layer1.0.conv1.weight}
 * (its prefix {@code layer1}) but not {@code layer10.weight}; {@code .*\.bias} matches every bias;
 * {@code fc} matches {@code fc.weight} and {@code fc.bias}.
 */
public final class ModulePaths {

    private ModulePaths() {
    }

    /**
     * Whether the regex matches the name or one of its dotted prefixes, whole.
     *
     * @param regex the user's pattern
     * @param name  a parameter name or module path ({@code layer1.0.conv1.weight})
     * @return true when a prefix (the name included) matches entirely
     */
    public static boolean matches(Pattern regex, String name) {
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            if (regex.matcher(name.substring(0, dot)).matches()) {
                return true;
            }
        }
        return regex.matcher(name).matches();
    }
}
