package dev.modelmeter.hf;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.dsl.Network;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;

/** The public configs kept in test resources ({@code hf/NAME/config.json}) and helpers to analyse them. */
final class HfTestModels {

    private HfTestModels() {
    }

    static Path dir(String name) {
        try {
            return Path.of(HfTestModels.class.getResource("/hf/" + name + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static HfConfig config(String name) {
        return HfConfig.read(dir(name).resolve("config.json"));
    }

    static Network network(String name, long seq, boolean training) {
        return HfModels.network(config(name), new HfModels.Build(1L, seq, training, null, 1));
    }

    static ModelSummary summary(Network net) {
        return Analyzer.standard().summarize(net.build(), AnalysisOptions.defaults(), LayerFolding.LEAVES);
    }

    static ModelSummary summary(String name, long seq) {
        return summary(network(name, seq, false));
    }

    static dev.modelmeter.shapes.ShapedGraph shaped(Network net) {
        return Analyzer.standard().shape(net.build(), AnalysisOptions.defaults(), new ArrayList<>());
    }
}
