package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: the commands take a Hugging Face folder or config.json; figures worked by hand from the config. */
class HfCommandsTest {

    @TempDir
    Path tmp;

    private static String dir(String name) throws URISyntaxException {
        return Path.of(HfCommandsTest.class.getResource("/hf/" + name + "/config.json").toURI()).getParent().toString();
    }

    private static JsonNode json(CliRun r) {
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode node = new ObjectMapper().readTree(r.out());
        // every JSON output validates against its schema in docs/schema (modelmeter.NAME/1 → NAME.schema.json)
        String schema = node.get("schema").asText();
        GoldenTest.validate(schema.substring("modelmeter.".length(), schema.indexOf('/')), r.out());
        return node;
    }

    @Test
    void summaryOfAConfigFolderAndOfTheConfigFile() throws Exception {
        // Qwen2.5-0.5B, tied embeddings: 494,032,768 (published)
        JsonNode s = json(CliRun.of("summary", dir("qwen2.5-0.5b"), "--input", "input_ids=1x64", "--format", "json"));
        assertThat(s.at("/params/total").asLong()).isEqualTo(494_032_768L);
        JsonNode f = json(CliRun.of("summary", dir("qwen2.5-0.5b") + "/config.json", "--input", "input_ids=1x64",
                "--format", "json"));
        assertThat(f.at("/params/total").asLong()).isEqualTo(494_032_768L);
    }

    @Test
    void loraTrainableParamsInSummary() throws Exception {
        // Qwen2.5-0.5B, r=8 on q_proj (896→896) and v_proj (896→128): 24 × 8 × ((896+896) + (896+128)) = 540,672
        JsonNode s = json(CliRun.of("summary", dir("qwen2.5-0.5b"), "--input", "input_ids=1x32", "--lora",
                "r=8,target=q_proj|v_proj", "--format", "json"));
        assertThat(s.at("/params/trainable").asLong()).isEqualTo(24L * 8 * ((896 + 896) + (896 + 128)));
    }

    @Test
    void memoryJsonKeepsItsKeysAndAddsLlm() throws Exception {
        JsonNode m = json(CliRun.of("memory", dir("qwen2.5-0.5b"), "--input", "input_ids=2x64", "--precision", "bf16",
                "--gpus", "8", "--zero", "3", "--kv-cache", "1024", "--format", "json"));
        assertThat(m.at("/training/saved_activations_bytes").asLong()).isPositive();
        // KV: 2 × 24 layers × 2 kv heads × 64 × 2 bytes × 1024 tokens × batch 2
        assertThat(m.at("/llm/kv_cache/bytes").asLong()).isEqualTo(2L * 24 * 2 * 64 * 2 * 1024 * 2);
        assertThat(m.at("/llm/parallel/shard_group").asInt()).isEqualTo(8);
        // ZeRO-3 over 8: gradients and optimizer state a ceiling-eighth of the single-GPU figures
        assertThat(m.at("/llm/per_gpu/optimizer_bytes").asLong()).isLessThan(m.at("/training/optimizer_bytes").asLong());
        // DeepSpeed ZeRO-3: 4 × largest module (the 151936 × 896 embedding) + int(18 × 494,032,768 / 8)
        assertThat(m.at("/llm/deepspeed_estimate/zero3_gpu_bytes").asLong())
                .isEqualTo(4L * 151936 * 896 + 18L * 494_032_768 / 8);
    }

    /** NF4 with double quantization: n/2 code bytes, one byte of absmax per 64, 4 bytes per 256 blocks. */
    private static long nf4(long n) {
        long blocks = (n + 63) / 64;
        return n / 2 + blocks + 4 * ((blocks + 255) / 256);
    }

    @Test
    void qloraWeightsAreNf4LinearsAndBf16Rest() throws Exception {
        JsonNode m = json(CliRun.of("memory", dir("qwen2.5-0.5b"), "--input", "input_ids=1x32", "--precision", "bf16",
                "--lora", "r=8,target=q_proj|v_proj", "--quant", "nf4", "--format", "json"));
        // per layer: q, o [896, 896]; k, v [128, 896]; gate, up [4864, 896]; down [896, 4864]
        long linearBytes = 24 * (2 * nf4(896L * 896) + 2 * nf4(128L * 896) + 3 * nf4(4864L * 896));
        long linearElements = 24 * (2 * 896L * 896 + 2 * 128L * 896 + 3 * 4864L * 896);
        // everything else (embedding, norms, q/k/v biases) in bf16, plus the adapters 24 × 8 × ((896+896) + (896+128))
        long rest = (494_032_768L - linearElements + 24L * 8 * ((896 + 896) + (896 + 128))) * 2;
        assertThat(m.at("/llm/weight_format").asString()).isEqualTo("nf4");
        assertThat(m.at("/llm/weights_bytes").asLong()).isEqualTo(linearBytes + rest);
    }

    @Test
    void fewestGpusAgreesWithMemoryPerGpu() throws Exception {
        String[] common = {"--input", "input_ids=1x32", "--precision", "bf16-mixed", "--zero", "3"};
        JsonNode fit = json(CliRun.of(concat(new String[] {"fit", dir("qwen2.5-0.5b"), "--gpu", "3GiB", "--fewest-gpus",
                "--format", "json"}, common)));
        int n = fit.at("/fewest_gpus").asInt();
        long budget = fit.at("/budget_bytes").asLong();
        assertThat(n).isGreaterThan(1);
        JsonNode at = json(CliRun.of(concat(new String[] {"memory", dir("qwen2.5-0.5b"), "--gpus", "" + n, "--format",
                "json"}, common)));
        JsonNode below = json(CliRun.of(concat(new String[] {"memory", dir("qwen2.5-0.5b"), "--gpus", "" + (n - 1),
                "--format", "json"}, common)));
        assertThat(at.at("/llm/per_gpu/total_bytes").asLong()).isLessThanOrEqualTo(budget);
        assertThat(below.at("/llm/per_gpu/total_bytes").asLong()).isGreaterThan(budget);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void unknownArchitectureIsOneLine() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("m"));
        Files.writeString(d.resolve("config.json"), "{\"model_type\": \"mamba\"}");
        CliRun r = CliRun.of("summary", d.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).isEqualTo("modelmeter: " + d.resolve("config.json")
                + ": architecture 'mamba' is not supported; supported model_type values: llama, mistral, qwen2, gemma,"
                + " phi3, mixtral, gpt2, bert");
    }

    @Test
    void llmOptionsNeedAHuggingFaceModel() {
        CliRun r = CliRun.of("memory", "zoo:resnet18", "--gpus", "4");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("apply to a Hugging Face model");
    }
}
