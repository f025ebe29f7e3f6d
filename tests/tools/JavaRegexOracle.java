// Reads lines "PATTERN_HEX<TAB>STRING_HEX" (code points as space-separated hex) on stdin and
// prints, per line, 1 when java.util.regex matches the whole string and 0 when it does not.
// Used once by make_java_regex_corpus.py to record real Java verdicts for the test suite.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

public class JavaRegexOracle {
    static String decode(String hex) {
        StringBuilder sb = new StringBuilder();
        for (String part : hex.trim().split(" ")) {
            if (!part.isEmpty()) sb.appendCodePoint(Integer.parseInt(part, 16));
        }
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            String[] cols = line.split("\t", -1);
            Pattern p = Pattern.compile(decode(cols[0]));
            out.append(p.matcher(decode(cols[1])).matches() ? "1\n" : "0\n");
        }
        System.out.print(out);
    }
}
