using Agentic.CommandDispatcher.Library;
using Agentic.Contracts.Common;

namespace Agentic.CommandDispatcher.Tests.Library;

public sealed class CommandLibraryTests
{
    [Test]
    public void Should_choose_format_when_the_failure_is_format_or_lint()
    {
        Assert.That(CommandLibrary.DeterministicFor(FailureCategory.FormatOrLint), Is.EqualTo("format"));
    }

    [TestCase(FailureCategory.Unknown)]
    [TestCase(FailureCategory.Compile)]
    [TestCase(FailureCategory.Test)]
    [TestCase(FailureCategory.Dependency)]
    [TestCase(FailureCategory.Infrastructure)]
    [TestCase(FailureCategory.Flaky)]
    public void Should_have_no_deterministic_command_when_the_failure_needs_more_than_a_formatter(FailureCategory category)
    {
        Assert.That(CommandLibrary.DeterministicFor(category), Is.Null);
    }

    [TestCase("prettier", new string[0], "prettier", null, null)]
    [TestCase("eslint", new[] { "prefer-const" }, "eslint", null, null)]
    [TestCase("xo", new string[0], "xo", null, null)]
    [TestCase("biome", new string[0], "biome", "check", null)]
    [TestCase("ruff", new[] { "F401" }, "ruff", "check format", null)]
    [TestCase("msbuild", new[] { "IDE0055" }, "dotnet-format", "whitespace", null)]
    [TestCase("msbuild", new[] { "WHITESPACE", "FINALNEWLINE" }, "dotnet-format", "whitespace", null)]
    [TestCase("msbuild", new[] { "IDE0090" }, "dotnet-format", "style", "IDE0090")]
    [TestCase("msbuild", new[] { "CA1822", "CA1822" }, "dotnet-format", "analyzers", "CA1822")]
    [TestCase("msbuild", new[] { "IDE0055", "IDE0090", "CA1822" }, "dotnet-format", "whitespace style analyzers", "IDE0090 CA1822")]
    [TestCase("dotnet-format", new string[0], "dotnet-format", "whitespace", null)]
    public void Should_pick_the_fixer_and_its_mode_from_the_analysis_tool_and_codes(string tool, string[] codes, string expectedTool, string? mode, string? diagnostics)
    {
        var arguments = CommandLibrary.FormatArguments(tool, codes, []);

        Assert.That(arguments.GetValueOrDefault("tool"), Is.EqualTo(expectedTool));
        Assert.That(arguments.GetValueOrDefault("mode"), Is.EqualTo(mode));
        Assert.That(arguments.GetValueOrDefault("diagnostics"), Is.EqualTo(diagnostics));
    }

    [TestCase(null)]
    [TestCase("tsc")]
    [TestCase("other-formatters")]
    public void Should_leave_the_tool_to_the_executor_when_the_analysis_named_none_it_knows(string? tool)
    {
        Assert.That(CommandLibrary.FormatArguments(tool, [], []), Is.Empty);
    }

    [Test]
    public void Should_pass_only_plain_repository_paths_one_a_line()
    {
        var arguments = CommandLibrary.FormatArguments("prettier", [], ["src/a.ts", "./src/a.ts", "/home/runner/x.ts", "../up.ts", "-rf", ".git/config", "C:\\x.ts", "src/b c.ts"]);

        Assert.That(arguments["paths"], Is.EqualTo("src/a.ts\nsrc/b c.ts"));
    }

    [Test]
    public void Should_hold_exactly_the_commands_the_executor_knows()
    {
        Assert.That(CommandLibrary.Commands, Is.EquivalentTo(new[] { "format", "apply-diff" }));
    }

    [TestCase("FORMAT")]
    [TestCase("apply_diff")]
    [TestCase("format ")]
    [TestCase("sh")]
    public void Should_not_know_a_command_when_its_name_is_not_exactly_a_library_name(string name)
    {
        Assert.That(CommandLibrary.Commands, Does.Not.Contain(name));
    }

    [Test]
    public void Should_contain_every_deterministic_choice()
    {
        var chosen = Enum.GetValues<FailureCategory>().Select(CommandLibrary.DeterministicFor).OfType<string>();

        Assert.That(chosen, Is.SubsetOf(CommandLibrary.Commands));
    }
}
