package dev.modelmeter.zoo;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.graph.InitializerRole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The zoo's catalogue, and the model that has no fixture (plain VGG16) against a hand count. */
class ZooTest {

    @Test
    void catalogue() {
        assertThat(Zoo.names()).containsExactly("vgg16-cifar", "vgg16", "vgg16-bn", "resnet18", "resnet50",
                "mobilenet-v2", "mobilenet-v3-small", "squeezenet-1.1", "alexnet", "bert-base", "gpt2");
        for (String n : Zoo.names()) {
            assertThat(Zoo.description(n)).isNotBlank().doesNotContain("\n");
        }
        assertThat(Zoo.build("zoo:alexnet").source()).isEqualTo("dsl:alexnet");
        assertThatThrownBy(() -> Zoo.build("vgg19")).isInstanceOf(ModelMeterException.class)
                .hasMessageContaining("known: vgg16-cifar");
    }

    @Test
    void vgg16HandCount() {
        Network net = Zoo.network("vgg16", false);
        // convolutions Co·(9·Cin + 1):
        //   64·28 = 1,792; 64·577 = 36,928; 128·577 = 73,856; 128·1153 = 147,584; 256·1153 = 295,168;
        //   2 × 256·2305 = 1,180,160; 512·2305 = 1,180,160; 5 × 512·4609 = 11,799,040 → 14,714,688
        // classifier (D1 + 1)·D2: 25089·4096 = 102,764,544; 4097·4096 = 16,781,312; 4097·1000 = 4,097,000
        //   → 123,642,856
        // total 14,714,688 + 123,642,856 = 138,357,544
        assertThat(ZooTruthTest.elements(net, InitializerRole.PARAMETER)).isEqualTo(138_357_544L);
        assertThat(ZooTruthTest.elements(net, InitializerRole.BUFFER)).isZero();
        assertThat(net.calls().stream().filter(c -> c.path().equals("avgpool")).findFirst().orElseThrow()
                .outputTypes().get(0).shape().toListString()).isEqualTo("[1, 512, 7, 7]");
    }

    @Test
    void trainingGraphKeepsBatchNormStatisticsOutputs() {
        Network net = Zoo.network("resnet18", true);
        assertThat(net.build().graph().nodes()).filteredOn(n -> n.opType().equals("BatchNormalization"))
                .hasSize(20).allSatisfy(n -> assertThat(n.outputs()).hasSize(3));
    }
}
