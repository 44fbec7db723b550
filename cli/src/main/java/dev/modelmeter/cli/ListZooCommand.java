package dev.modelmeter.cli;

import dev.modelmeter.zoo.Zoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code modelmeter list-zoo}: the built-in architectures. */
@Command(name = "list-zoo", mixinStandardHelpOptions = true, description = "List the built-in architectures (use as zoo:NAME).")
final class ListZooCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (String name : Zoo.names()) {
            spec.commandLine().getOut().printf("zoo:%-20s %s%n", name, Zoo.description(name));
        }
        return Main.OK;
    }
}
