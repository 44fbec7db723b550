package dev.modelmeter.analysis.memory;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.ops.AutogradContext;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How one training step is run: the batch, the precision policy, the optimizer, frozen and
 * checkpointed parts (regexes over parameter names and module scopes), whose kernels run it, and how
 * attention runs.
 *
 * @param batch          the batch size the shaped graph was bound with (informational: shapes carry it)
 * @param freeze         regex over parameter names (whole-name match): frozen, no grad, no optimizer state; null for none
 * @param checkpoint     regex over module scopes (whole-scope match) recomputed in backward
 *                       ({@code torch.utils.checkpoint}); null for none
 * @param loss           the loss added after the model's outputs
 * @param attentionDropout whether attention applies dropout in training; null: as the export shows it,
 *                       or, where an exporter dropped it, whenever the model has other Dropout nodes
 *                       (Hugging Face configs use the same probability for both)
 */
public record TrainingSetup(int batch, Precision precision, Optimizer optimizer, String freeze, String checkpoint,
                            AutogradContext.Backend backend, AttentionMode attention, Loss loss,
                            Boolean attentionDropout) {

    /**
     * Number formats of weights and of the compute, whatever the file stores: a float16 file planned in
     * FP32 or an autocast policy is the float32 model it was converted from (docs/MEMORY.md, "Precision").
     */
    public enum Precision {
        /** Everything float32 ({@code model.float()}: a float16/bfloat16 file is upcast). */
        FP32,
        /** float32 master weights, grads and optimizer state; {@code torch.autocast(dtype=bfloat16)}: matmul-like ops compute in bf16. */
        BF16_MIXED,
        /** float32 master weights, grads and optimizer state; {@code torch.autocast(dtype=float16)}. */
        FP16_MIXED,
        /** Model cast to bfloat16 ({@code model.bfloat16()}): weights, grads, state and activations. */
        BF16,
        /** Model cast to float16 ({@code model.half()}): weights, grads, state and activations; a float16 file as stored. */
        FP16
    }

    /** PyTorch optimizers with their default arguments (SGD momentum 0.9 for SGD_MOMENTUM). */
    public enum Optimizer {
        /** Plain SGD: no state. */
        SGD,
        /** SGD with momentum: one momentum buffer per parameter. */
        SGD_MOMENTUM,
        /** Adam: two moment tensors per parameter. */
        ADAM,
        /** AdamW (the default): two moment tensors per parameter. */
        ADAMW,
        /** Adagrad: one running sum of squares per parameter. */
        ADAGRAD,
        /** RMSprop: one running average of squares per parameter. */
        RMSPROP
    }

    /** How {@code scaled_dot_product_attention} runs. */
    public enum AttentionMode {
        /** A fused kernel where PyTorch would pick one (flash / memory-efficient; on CPU only without dropout). */
        FUSED,
        /** The unfused math path: scores and probabilities are materialised and saved. */
        MATH
    }

    /** The loss the step adds after the model. */
    public enum Loss {
        /** Cross-entropy when the model has one output, else the sum of its outputs. */
        AUTO,
        /** {@code cross_entropy(output.flatten(0, -2), target)}: log_softmax output saved. */
        CROSS_ENTROPY,
        /** {@code sum(o.sum() for o in outputs)}: saves nothing. */
        SUM
    }

    /**
     * Checks the batch and regexes; null settings take their defaults (fp32, AdamW, CUDA, fused attention, AUTO loss).
     *
     * @param batch            the batch size
     * @param precision        number formats
     * @param optimizer        the optimizer
     * @param freeze           regex of frozen parameter names, or null
     * @param checkpoint       regex of checkpointed module scopes, or null
     * @param backend          whose kernels run the step
     * @param attention        how attention runs
     * @param loss             the loss after the model
     * @param attentionDropout whether attention applies dropout, or null to decide from the graph
     */
    public TrainingSetup {
        if (batch < 1) {
            throw new ModelMeterException("batch must be at least 1, got " + batch);
        }
        compile(freeze, "--freeze");
        compile(checkpoint, "--checkpoint");
        precision = precision == null ? Precision.FP32 : precision;
        optimizer = optimizer == null ? Optimizer.ADAMW : optimizer;
        backend = backend == null ? AutogradContext.Backend.CUDA : backend;
        attention = attention == null ? AttentionMode.FUSED : attention;
        loss = loss == null ? Loss.AUTO : loss;
    }

    /**
     * fp32, AdamW, nothing frozen, CUDA kernels, fused attention.
     *
     * @param batch the batch size
     * @return the setup
     */
    public static TrainingSetup defaults(int batch) {
        return new TrainingSetup(batch, Precision.FP32, Optimizer.ADAMW, null, null,
                AutogradContext.Backend.CUDA, AttentionMode.FUSED, Loss.AUTO, null);
    }

    /**
     * This setup with another optimizer.
     *
     * @param o the optimizer
     * @return a copy
     */
    public TrainingSetup withOptimizer(Optimizer o) {
        return new TrainingSetup(batch, precision, o, freeze, checkpoint, backend, attention, loss, attentionDropout);
    }

    /**
     * This setup with another precision.
     *
     * @param p the precision
     * @return a copy
     */
    public TrainingSetup withPrecision(Precision p) {
        return new TrainingSetup(batch, p, optimizer, freeze, checkpoint, backend, attention, loss, attentionDropout);
    }

    /**
     * This setup with other kernels (the device figures force CUDA).
     *
     * @param b the backend
     * @return a copy
     */
    public TrainingSetup withBackend(AutogradContext.Backend b) {
        return new TrainingSetup(batch, precision, optimizer, freeze, checkpoint, b, attention, loss, attentionDropout);
    }

    /**
     * This setup with another batch (the fit solver's probes).
     *
     * @param b the batch size
     * @return a copy
     */
    public TrainingSetup withBatch(int b) {
        return new TrainingSetup(b, precision, optimizer, freeze, checkpoint, backend, attention, loss, attentionDropout);
    }

    /**
     * This setup with other parameters frozen.
     *
     * @param regex whole-name regex over parameter names, or null for none
     * @return a copy
     */
    public TrainingSetup withFreeze(String regex) {
        return new TrainingSetup(batch, precision, optimizer, regex, checkpoint, backend, attention, loss, attentionDropout);
    }

    /**
     * This setup with other modules checkpointed.
     *
     * @param regex whole-scope regex over module scopes, or null for none
     * @return a copy
     */
    public TrainingSetup withCheckpoint(String regex) {
        return new TrainingSetup(batch, precision, optimizer, freeze, regex, backend, attention, loss, attentionDropout);
    }

    /**
     * This setup with attention run another way.
     *
     * @param a the attention mode
     * @return a copy
     */
    public TrainingSetup withAttention(AttentionMode a) {
        return new TrainingSetup(batch, precision, optimizer, freeze, checkpoint, backend, a, loss, attentionDropout);
    }

    /**
     * This setup with another loss.
     *
     * @param l the loss
     * @return a copy
     */
    public TrainingSetup withLoss(Loss l) {
        return new TrainingSetup(batch, precision, optimizer, freeze, checkpoint, backend, attention, l, attentionDropout);
    }

    Pattern freezePattern() {
        return compile(freeze, "--freeze");
    }

    Pattern checkpointPattern() {
        return compile(checkpoint, "--checkpoint");
    }

    private static Pattern compile(String regex, String what) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ModelMeterException(what + " '" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }

    /** True for the autocast policies, where float32 weights feed lower-precision compute. */
    boolean autocast() {
        return precision == Precision.BF16_MIXED || precision == Precision.FP16_MIXED;
    }
}
