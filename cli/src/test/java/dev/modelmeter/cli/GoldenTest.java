package dev.modelmeter.cli;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every renderer and format on three fixtures (a CNN, BERT, GPT-2), compared byte for byte with the
 * golden files under {@code src/test/resources/golden}, reviewed by eye once. After a deliberate change
 * of a renderer, regenerate them with
 * {@code mvn -B -ntp -pl cli -am test -Dtest=GoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dmodelmeter.golden.update=true}
 * and review the diff. Besides the bytes: JSON validates against docs/schema, CSV parses with a header
 * and rows of equal width, Markdown is a GitHub table.
 */
class GoldenTest {

    private static final Path SHARED = Path.of(System.getProperty("modelmeter.shared", "../../shared"));
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Path SCHEMAS = Path.of("../docs/schema");
    private static final boolean UPDATE = Boolean.getBoolean("modelmeter.golden.update");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String fixture : new String[] {"resnet18", "bert_base_uncased", "gpt2"}) {
            String model = SHARED.resolve("fixtures/" + fixture + "/model.onnx").toString();
            String train = SHARED.resolve("fixtures/" + fixture + "/train.onnx").toString();
            for (String f : new String[] {"table", "json", "csv", "md", "html"}) {
                // the table's width comes from $COLUMNS unless given: 0, no limit, whatever the machine's terminal
                cases.add(Arguments.of(fixture, "summary." + ext(f), "summary", f.equals("table")
                        ? List.of(model, "--width", "0") : List.of(model, "--format", f), "summary"));
                if (!f.equals("html")) {
                    cases.add(Arguments.of(fixture, "by-op." + ext(f), "by-op", List.of(model, "--by-op", "--format", f), "by-op"));
                }
                cases.add(Arguments.of(fixture, "memory." + ext(f), "memory", List.of(train, "--batch", "4", "--gpu", "a100-80gb",
                        "--format", f), "memory"));
            }
            cases.add(Arguments.of(fixture, "summary-depth2.txt", "summary", List.of(model, "--depth", "2", "--width", "0"), null));
            cases.add(Arguments.of(fixture, "summary-tree.txt", "summary", List.of(model, "--tree", "--depth", "3", "--width", "100",
                    "--columns", "type,input_size,output_size,num_params,mult_adds,output_bytes"), null));
            cases.add(Arguments.of(fixture, "summary-torchsummary.txt", "summary", List.of(model, "--style", "torchsummary"), null));
            cases.add(Arguments.of(fixture, "summary-torchstat.txt", "summary", List.of(model, "--style", "torchstat"), null));
            for (String f : new String[] {"table", "json", "csv", "md", "html"}) {
                cases.add(Arguments.of(fixture, "diff." + ext(f), "diff", List.of(train, train + "@batch=2,optimizer=sgd",
                        "--format", f), "diff"));
            }
            for (String f : new String[] {"table", "json", "html"}) {
                cases.add(Arguments.of(fixture, "fit." + ext(f), "fit", List.of(train, "--gpu", "t4", "--format", f), "fit"));
            }
        }
        return cases.stream();
    }

    private static String ext(String format) {
        return switch (format) {
            case "table" -> "txt";
            default -> format;
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTheGoldenFile(String fixture, String file, String command, List<String> args, String schema) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(command.equals("by-op") ? "summary" : command);
        argv.addAll(args);
        CliRun run = CliRun.of(argv.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        // the fixtures' location differs between machines; the files name it ../shared
        String out = run.out().replace(SHARED.toString(), "../shared");

        if (file.endsWith(".json")) {
            validate(schema, out);
        } else if (file.endsWith(".csv")) {
            csv(out);
        } else if (file.endsWith(".md")) {
            markdown(out);
        }

        Path golden = GOLDEN.resolve(fixture).resolve(file);
        if (UPDATE) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, out, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file (regenerate with -Dmodelmeter.golden.update=true)").exists();
        assertThat(out).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    static void validate(String schema, String json) {
        Schema s = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.readTree(SCHEMAS.resolve(schema + ".schema.json").toFile()));
        JsonNode node = JSON.readTree(json);
        assertThat(s.validate(node)).as("errors against docs/schema/" + schema + ".schema.json").isEmpty();
    }

    static void csv(String text) throws IOException {
        CsvMapper mapper = CsvMapper.builder().enable(CsvReadFeature.WRAP_AS_ARRAY).build();
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).readValues(text)) {
            while (it.hasNext()) {
                rows.add(it.next());
            }
        }
        assertThat(rows).hasSizeGreaterThan(1);
        int width = rows.get(0).size();
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(width));
    }

    private static final Pattern DELIMITER = Pattern.compile("\\|( *:?-+:? *\\|)+");

    /** Every block of lines starting with a pipe is a GitHub table: header, delimiter row, equal widths. */
    static void markdown(String text) {
        List<String> lines = text.lines().toList();
        int tables = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("|") || (i > 0 && lines.get(i - 1).startsWith("|"))) {
                continue;
            }
            tables++;
            int cells = cells(lines.get(i));
            assertThat(lines.get(i + 1)).matches(DELIMITER);
            assertThat(cells(lines.get(i + 1))).isEqualTo(cells);
            for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                assertThat(cells(lines.get(j))).as(lines.get(j)).isEqualTo(cells);
            }
        }
        assertThat(tables).isPositive();
        assertThat(text).doesNotContain("```");
    }

    private static int cells(String row) {
        int pipes = 0;
        for (int i = 0; i < row.length(); i++) {
            if (row.charAt(i) == '\\') {
                i++;
            } else if (row.charAt(i) == '|') {
                pipes++;
            }
        }
        return pipes - 1;
    }
}
