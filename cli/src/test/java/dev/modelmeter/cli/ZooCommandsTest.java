package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked figures for the tutorial's network, through the command line. */
class ZooCommandsTest {

    @Test
    void explainShowsTheTextbookArithmetic() {
        CliRun run = CliRun.of("summary", "zoo:vgg16-cifar", "--explain");
        assertThat(run.exit()).as(run.err()).isZero();
        // first conv: 64 filters of 3×3 over 3 channels plus a bias each: 64 × (27 + 1) = 1,792
        assertThat(run.out()).contains("64 × (3×3×3 + 1) = 1,792");
        // classifier: 512 inputs plus a bias to 512 outputs: 513 × 512 = 262,656
        assertThat(run.out()).contains("(512 + 1) × 512 = 262,656");
        // 32×32 input, padding 1, 3×3 kernel, stride 1: (32 + 2 − 3)/1 + 1 = 32
        assertThat(run.out()).contains("H_out = (32 + 2·1 − 3)/1 + 1 = 32");
    }

    @Test
    void torchsummaryFooterMatchesWhatTorchsummaryPrints() {
        CliRun run = CliRun.of("summary", "zoo:vgg16-cifar", "--style", "torchsummary");
        assertThat(run.exit()).as(run.err()).isZero();
        // the figures torchsummary prints for this network (issue 4)
        assertThat(run.out()).contains("Total params: 15,119,690", "Input size (MB): 0.01",
                "Forward/backward pass size (MB): 6.58", "Params size (MB): 57.68", "Estimated Total Size (MB): 64.27");
    }

    @Test
    void aLargerImageWarnsThatTheBatchChanged() {
        CliRun run = CliRun.of("summary", "zoo:vgg16-cifar", "--input", "1x3x224x224");
        assertThat(run.exit()).as(run.err()).isZero();
        // 224 / 2^5 = 7, so view(-1, 512) of 1×512×7×7 gives 49 rows
        assertThat(run.out()).contains("[49, 512]", "[49, 10]");
        assertThat(run.err()).contains("batch changed").contains("49 rows");
    }

    @Test
    void listZooNamesEveryArchitecture() {
        CliRun run = CliRun.of("list-zoo");
        assertThat(run.out()).contains("zoo:vgg16-cifar", "zoo:vgg16", "zoo:vgg16-bn", "zoo:resnet18", "zoo:resnet50",
                "zoo:mobilenet-v2", "zoo:alexnet", "zoo:bert-base", "zoo:gpt2");
    }
}
