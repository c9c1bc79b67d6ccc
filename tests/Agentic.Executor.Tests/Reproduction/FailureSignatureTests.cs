using Agentic.Executor.Reproduction;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Tests.Reproduction;

public sealed class FailureSignatureTests
{
    private static SandboxResult Result(int exitCode, string output, bool timedOut = false) => new()
    {
        ExitCode = exitCode,
        Duration = TimeSpan.FromSeconds(1),
        TimedOut = timedOut,
        OutputLimitExceeded = false,
        OutputTail = output,
    };

    [Test]
    public void Should_take_an_ordinary_failure_naming_a_file_of_the_analysis_as_the_same_failure()
    {
        var difference = FailureSignature.Difference(Result(1, " FAIL  test/sum.test.ts > adds\nAssertionError"), ["test/sum.test.ts"]);

        Assert.That(difference, Is.Null);
    }

    [Test]
    public void Should_take_an_ordinary_failure_as_the_same_failure_when_the_analysis_named_no_file()
    {
        Assert.That(FailureSignature.Difference(Result(2, "error"), []), Is.Null);
    }

    [TestCase(127, "exit 127, command not found")]
    [TestCase(126, "cannot be executed")]
    [TestCase(137, "killed by signal 9")]
    public void Should_call_a_missing_command_or_a_signal_a_different_failure(int exitCode, string reason)
    {
        Assert.That(FailureSignature.Difference(Result(exitCode, "sum.test.ts"), ["sum.test.ts"]), Does.Contain(reason));
    }

    [Test]
    public void Should_call_a_timeout_a_different_failure()
    {
        Assert.That(FailureSignature.Difference(Result(-1, "sum.test.ts", timedOut: true), ["sum.test.ts"]), Is.EqualTo("it timed out here"));
    }

    [Test]
    public void Should_call_a_failure_that_names_none_of_the_files_a_different_failure()
    {
        var difference = FailureSignature.Difference(Result(1, "Error: Cannot find module 'esbuild'"), ["src/Parser.cs", "tests/ParserTests.cs"]);

        Assert.That(difference, Does.Contain("names none of the files the CI failure is about (Parser.cs, ParserTests.cs)"));
    }
}
