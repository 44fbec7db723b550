package dev.modelmeter.examples;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's example runs and counts what the formulas say. */
class SizeATinyCnnTest {

    @Test
    void countsTheTinyCnnByHand() {
        ModelSummary s = Analyzer.standard().summarize(SizeATinyCnn.tinyCnn(), AnalysisOptions.defaults().withBatch(1),
                LayerFolding.LEAVES);
        // conv1 16×(3·3·3+1)=448, bn1 2·16=32, conv2 32×(3·3·16+1)=4,640, bn2 2·32=64, fc (2048+1)×10=20,490
        assertThat(s.params().total()).isEqualTo(448 + 32 + 4_640 + 64 + 20_490);
        // conv1 16·32·32 outputs × 27 = 442,368; conv2 32·16·16 × 144 = 1,179,648; fc 2048 × 10 = 20,480
        assertThat(s.macs()).isEqualTo(442_368 + 1_179_648 + 20_480);
        SizeATinyCnn.main(new String[0]);
    }
}
