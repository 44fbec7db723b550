package dev.modelmeter.dsl;

import dev.modelmeter.graph.TensorType;

import java.util.List;

/**
 * One call of a module while the network was built, like a torch forward hook sees it: the module's
 * path, its class name as PyTorch prints it, the how-many-th call of that module this is (a shared
 * ReLU is called several times), whether it is a leaf (has no child modules), and the values it returned.
 *
 * @param path        module path ({@code layer1.0.conv1}); "" for the root
 * @param typeName    PyTorch class name ({@code Conv2d}, {@code GELUActivation})
 * @param callIndex   0 for the first call of this module, 1 for the second…
 * @param leaf        true when the module has no children
 * @param outputs     names of the values the call returned, as in the built graph
 * @param outputTypes the types the DSL tracked for those values
 */
public record ModuleCall(String path, String typeName, int callIndex, boolean leaf, List<String> outputs,
                         List<TensorType> outputTypes) {

    /**
     * Copies the lists.
     *
     * @param path        module path
     * @param typeName    PyTorch class name
     * @param callIndex   which call of this module
     * @param leaf        true when the module has no children
     * @param outputs     names of the returned values
     * @param outputTypes types of the returned values
     */
    public ModuleCall {
        outputs = List.copyOf(outputs);
        outputTypes = List.copyOf(outputTypes);
    }
}
