package io.gridoverlay.dht.grid;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding example compiles against this build, and stays within 30 lines: the block after
 * the marker {@code <!-- embedding example: compiled by ReadmeExampleTest -->}.
 */
class ReadmeExampleTest {
    static final String MARKER = "<!-- embedding example: compiled by ReadmeExampleTest -->";

    static String example() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int at = readme.indexOf(MARKER);
        assertThat(at).as("README marker").isNotNegative();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find(at)).as("a java block after the marker").isTrue();
        return m.group(1);
    }

    @Test
    void embeddingExampleCompilesAndFitsThirtyLines() throws IOException {
        String code = example();
        assertThat(code.lines().count()).as("lines of the example").isLessThanOrEqualTo(30);
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(code);
        assertThat(cls.find()).as("the example is a public class").isTrue();
        String name = cls.group(1);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
        Path out = Files.createTempDirectory("readme-example");
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-classpath", System.getProperty("java.class.path"),
                "-d", out.toString(), "-Xlint:none"), null, List.of(source)).call();
        assertThat(ok).as("javac: %s", errors).isTrue();
        assertThat(out.resolve(name + ".class")).exists();
    }
}
