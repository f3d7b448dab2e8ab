namespace AutoResearch.Edits.Tests;

public sealed class RobustnessTests
{
    private static readonly string[] Fragments =
    [
        "kernel.c", "`kernel.c`", "../etc/passwd", "harness.c", "<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE", "```c", "```diff", "```",
        "--- a/kernel.c", "+++ b/kernel.c", "--- /dev/null", "+++ /dev/null", "@@ -4 +4 @@", "@@ -1,3 +1,3 @@", "@@ @@", "@@ -99999999999 +1 @@",
        "@@ -0,0 +1 @@", " int s = 0;", "-    int s = 0;", "+    long s = 0;", "    int s = 0;", "    for (int i = 0; i < n; i++) {", "\\ No newline at end of file",
        "", " ", "Some prose.", "- a bullet", "\r", "\0", "}", "#include <stdio.h>",
    ];

    private static readonly string[] ValidAnswers =
    [
        "kernel.c\n```c\n<<<<<<< SEARCH\n    int s = 0;\n=======\n    long s = 0;\n>>>>>>> REPLACE\n```",
        "Widen it:\n```diff\n--- a/kernel.c\n+++ b/kernel.c\n@@ -3,3 +3,3 @@\n int sum(const int *x, int n) {\n-    int s = 0;\n+    long s = 0;\n     for (int i = 0; i < n; i++) {\n```\nDone.",
        "harness.c\n<<<<<<< SEARCH\n=======\nint main(void) { return 1; }\n>>>>>>> REPLACE",
    ];

    [Fact]
    public void Damaged_answers_never_throw_and_always_give_a_clear_outcome()
    {
        var random = new Random(1234);
        var outcomes = new int[2];
        for (var n = 0; n < 3000; n++)
        {
            // A valid answer damaged 0 to 4 times: a random line inserted, deleted or overwritten.
            var lines = ValidAnswers[random.Next(ValidAnswers.Length)].Split('\n').ToList();
            for (var k = random.Next(5); k > 0; k--)
            {
                var at = random.Next(lines.Count);
                switch (random.Next(3))
                {
                    case 0: lines.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                    case 1 when lines.Count > 1: lines.RemoveAt(at); break;
                    default: lines[at] = Fragments[random.Next(Fragments.Length)]; break;
                }
            }
            var answer = string.Join(random.Next(3) == 0 ? "\r\n" : "\n", lines);

            var outcome = Fixture.Apply(answer, editable: ["kernel.c", "harness.c"]);

            Assert.True(outcome.Succeeded ^ (outcome.Problems.Count > 0));
            Assert.True(outcome.Succeeded == (outcome.Files.Count == 3));
            Assert.All(outcome.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));
            outcomes[outcome.Succeeded ? 1 : 0]++;
        }
        // Both kinds happen, so the damage really reaches the appliers.
        Assert.True(outcomes[0] > 300 && outcomes[1] > 300, $"failures {outcomes[0]}, successes {outcomes[1]}");
    }
}
