package dev.modelmeter.hf;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.dsl.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12: safetensors headers are read without their payloads; header tensors are checked against the config. */
class SafetensorsReaderTest {

    @TempDir
    Path dir;

    @Test
    void seventyBillionIndexOfFourSparseShardsInUnderASecond() throws IOException {
        Files.copy(HfTestModels.dir("llama-2-70b").resolve("config.json"), dir.resolve("config.json"));
        Network net = HfTestModels.network("llama-2-70b", 8, false);
        List<SafetensorsWriter.Entry> entries = SafetensorsWriter.parametersOf(net, "F16");
        long headerBytes = SafetensorsWriter.writeSharded(dir, entries, 4);
        long payload = entries.stream().mapToLong(SafetensorsWriter.Entry::bytes).sum();
        // Llama-2-70B: 68,976,648,192 parameters (published "70B"), 2 bytes each
        assertThat(payload).isEqualTo(2 * 68_976_648_192L);

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        HfCheckpoint.open(dir); // warm-up: class loading is start-up, not reading
        long allocBefore = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        HfCheckpoint ckpt = HfCheckpoint.open(dir.resolve("model.safetensors.index.json"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocBefore;
        System.out.printf("70B index, 4 sparse shards (%,d header bytes, %,d payload bytes): %.3f s, %,d bytes allocated%n",
                headerBytes, payload, seconds, allocated);

        assertThat(ckpt.shards()).hasSize(4);
        assertThat(ckpt.tensors()).hasSize(entries.size());
        assertThat(ckpt.bytesByDtype()).containsEntry("F16", payload);
        assertThat(seconds).isLessThan(1.0);
        // the headers, their parsed records and I/O buffers: a small multiple of the header bytes, nothing of the payload
        assertThat(allocated).isLessThan(12 * headerBytes + (4L << 20));
        assertThat(HfModels.checkWeights(ckpt, net)).isEmpty();
    }

    @Test
    void mismatchNamesTheTensor() throws IOException {
        Files.copy(HfTestModels.dir("qwen2.5-0.5b").resolve("config.json"), dir.resolve("config.json"));
        Network net = HfTestModels.network("qwen2.5-0.5b", 8, false);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>(SafetensorsWriter.parametersOf(net, "BF16"));
        entries.removeIf(e -> e.name().equals("model.layers.3.mlp.up_proj.weight"));
        entries.replaceAll(e -> e.name().equals("model.norm.weight")
                ? new SafetensorsWriter.Entry(e.name(), "BF16", List.of(1024L), 2) : e);
        entries.add(new SafetensorsWriter.Entry("model.layers.0.self_attn.rotary_emb.inv_freq", "F32", List.of(32L), 4));
        entries.add(new SafetensorsWriter.Entry("model.extra_proj.weight", "BF16", List.of(4L, 4L), 2));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries);
        HfCheckpoint ckpt = HfCheckpoint.open(dir);
        assertThat(HfModels.checkWeights(ckpt, net)).containsExactly(
                "model.safetensors: tensor not in the graph built from config.json: model.extra_proj.weight",
                "model.safetensors: tensor shape differs from config.json: model.norm.weight [1024] (the config gives [896])",
                "model.safetensors: parameter of the config's graph missing from the checkpoint: "
                        + "model.layers.3.mlp.up_proj.weight");
    }

    @Test
    void gptqTensorsMatchTheirModulesWeight() throws IOException {
        Files.copy(HfTestModels.dir("qwen2.5-0.5b").resolve("config.json"), dir.resolve("config.json"));
        Network net = HfTestModels.network("qwen2.5-0.5b", 8, false);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (SafetensorsWriter.Entry e : SafetensorsWriter.parametersOf(net, "BF16")) {
            if (e.name().endsWith("q_proj.weight")) {
                String m = e.name().substring(0, e.name().length() - ".weight".length());
                long out = e.shape().get(0);
                long in = e.shape().get(1);
                // GPTQ 4-bit: qweight [in/8, out] I32, qzeros [in/128, out/8] I32, scales [in/128, out] F16, g_idx [in] I32
                entries.add(new SafetensorsWriter.Entry(m + ".qweight", "I32", List.of(in / 8, out), 4));
                entries.add(new SafetensorsWriter.Entry(m + ".qzeros", "I32", List.of(in / 128, out / 8), 4));
                entries.add(new SafetensorsWriter.Entry(m + ".scales", "F16", List.of(in / 128, out), 2));
                entries.add(new SafetensorsWriter.Entry(m + ".g_idx", "I32", List.of(in), 4));
            } else {
                entries.add(e);
            }
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries);
        HfCheckpoint ckpt = HfCheckpoint.open(dir.resolve("model.safetensors"));
        assertThat(HfModels.checkWeights(ckpt, net)).isEmpty();
        // q_proj 896 → 896 packed: 896/8·896 words of 4 bytes = 896·896/2 bytes, per layer
        assertThat(ckpt.bytesByDtype().get("I32")).isEqualTo(24L * (896 * 896 / 2 + 7 * 112 * 4 + 896 * 4));
    }

    @Test
    void badHeaderIsOneLineNamingTheFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertThatThrownBy(() -> SafetensorsHeader.read(f)).isInstanceOf(ModelMeterException.class)
                .hasMessageStartingWith(f + ": not a safetensors file (header length 65535");
        Files.write(f, new byte[] {5, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'a', '"', ':'});
        assertThatThrownBy(() -> SafetensorsHeader.read(f)).isInstanceOf(ModelMeterException.class)
                .hasMessageStartingWith(f + ": safetensors header is not valid JSON");
        Path other = Files.createDirectory(dir.resolve("other"));
        Files.writeString(other.resolve("x.json"), "{\"model_type\": \"llama\"}");
        assertThatThrownBy(() -> HfCheckpoint.open(other.resolve("x.json")).config().decoder())
                .isInstanceOf(ModelMeterException.class).hasMessageContaining("'hidden_size' is missing");
    }
}
