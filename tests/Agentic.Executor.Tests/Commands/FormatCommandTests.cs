using Agentic.Executor.Commands;
using Agentic.Executor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Executor.Tests.Commands;

/// <summary>
/// <c>format</c> with real tools (pinned from the npm registry, the machine's .NET SDK) in the real sandbox, on small
/// repositories written by the tests: each fixer changes the files it is named and nothing else.
/// </summary>
public sealed class FormatCommandTests
{
    private const string Unformatted = "const a = {b:1,\n  c:2}\nexport default a\n";

    private ExecutorHarness _harness = null!;
    private string _workspace = null!;

    [SetUp]
    public async Task SetUp()
    {
        _harness = await ExecutorHarness.StartAsync();
        _workspace = Path.Combine(_harness.Root, "repo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_workspace);
    }

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task Should_format_only_the_named_file_when_prettier_is_declared_and_installed()
    {
        Write("package.json", """{ "type": "module", "devDependencies": { "prettier": "3.10.2" } }""");
        Write("src/a.js", Unformatted);
        Write("src/b.js", Unformatted);

        var result = await RunAsync(new() { ["tool"] = "prettier", ["paths"] = "src/a.js" }, await NodeTools.LinkAsync(_workspace));

        Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message);
        Assert.That(Read("src/a.js"), Is.EqualTo("const a = { b: 1, c: 2 };\nexport default a;\n"));
        Assert.That(Read("src/b.js"), Is.EqualTo(Unformatted), "a file the failure did not name stays as it was");
        Assert.That(result.CommandLine, Does.StartWith("prettier --write").And.EndWith("src/a.js"));
    }

    [Test]
    public async Task Should_fix_a_real_rule_with_eslint_fix_on_the_named_file_only()
    {
        Write("package.json", """{ "type": "module", "devDependencies": { "eslint": "9.39.5" } }""");
        Write("eslint.config.js", "export default [{ rules: { 'prefer-const': 'error' } }];\n");
        Write("src/a.js", "let answer = 42;\nexport default answer;\n");
        Write("src/b.js", "let other = 1;\nexport default other;\n");

        var result = await RunAsync(new() { ["tool"] = "eslint", ["paths"] = "src/a.js" }, await NodeTools.LinkAsync(_workspace));

        Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message);
        Assert.That(Read("src/a.js"), Is.EqualTo("const answer = 42;\nexport default answer;\n"));
        Assert.That(Read("src/b.js"), Is.EqualTo("let other = 1;\nexport default other;\n"));
    }

    [Test]
    public async Task Should_keep_a_prettier_formatted_file_formatted_when_eslint_fix_leaves_it_misindented()
    {
        // eslint's no-else-return fix unwraps the else block and keeps its indentation: prettier --check then fails in CI.
        Write("package.json", """{ "type": "module", "devDependencies": { "eslint": "9.39.5", "prettier": "3.10.2" } }""");
        Write("eslint.config.js", "export default [{ rules: { 'no-else-return': 'error' } }];\n");
        const string ElseReturn = "export function name(negate) {\n  if (negate) {\n    return \"no\";\n  } else {\n    return \"yes\";\n  }\n}\n";
        Write("src/a.js", ElseReturn);
        Write("src/b.js", "const a = {b:1}\nexport default a\n");

        var result = await RunAsync(new() { ["tool"] = "eslint", ["paths"] = "src/a.js\nsrc/b.js" }, await NodeTools.LinkAsync(_workspace));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message);
            Assert.That(Read("src/a.js"), Is.EqualTo("export function name(negate) {\n  if (negate) {\n    return \"no\";\n  }\n  return \"yes\";\n}\n"));
            Assert.That(Read("src/b.js"), Is.EqualTo("const a = {b:1}\nexport default a\n"), "a file prettier did not pass before the fix is not reformatted");
            Assert.That(result.CommandLine, Does.StartWith("eslint --fix").And.Contain("; prettier --write").And.EndWith("src/a.js"));
        });
    }

    [Test]
    public async Task Should_fix_the_named_file_with_xo_fix()
    {
        Write("package.json", """{ "type": "module", "devDependencies": { "xo": "2.0.2" } }""");
        Write("src/a.js", "var answer = 42;\nexport default answer;\n");
        Write("src/b.js", "var other = 1;\nexport default other;\n");

        var result = await RunAsync(new() { ["tool"] = "xo", ["paths"] = "src/a.js" }, await NodeTools.LinkAsync(_workspace));

        Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message);
        Assert.That(Read("src/a.js"), Is.EqualTo("const answer = 42;\nexport default answer;\n"));
        Assert.That(Read("src/b.js"), Is.EqualTo("var other = 1;\nexport default other;\n"));
    }

    [TestCase("format")]
    [TestCase("check")]
    public async Task Should_format_the_named_file_with_biome(string mode)
    {
        Write("package.json", """{ "devDependencies": { "@biomejs/biome": "2.6.9" } }""");
        Write("src/a.js", Unformatted);
        Write("src/b.js", Unformatted);

        var result = await RunAsync(new() { ["tool"] = "biome", ["mode"] = mode, ["paths"] = "src/a.js" }, await NodeTools.LinkAsync(_workspace));

        Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message + result.Sandbox?.OutputTail);
        Assert.That(Read("src/a.js"), Is.EqualTo("const a = { b: 1, c: 2 };\nexport default a;\n"));
        Assert.That(Read("src/b.js"), Is.EqualTo(Unformatted));
        Assert.That(result.CommandLine, Does.StartWith($"biome {mode} --write"));
    }

    [Test]
    public async Task Should_say_what_ran_and_that_it_changed_nothing_when_the_file_is_already_formatted()
    {
        Write("package.json", """{ "devDependencies": { "prettier": "3.10.2" } }""");
        Write("src/a.js", "export const a = 1;\n");

        var result = await RunAsync(new() { ["tool"] = "prettier", ["paths"] = "src/a.js" }, await NodeTools.LinkAsync(_workspace));

        Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message);
        Assert.That(Read("src/a.js"), Is.EqualTo("export const a = 1;\n"));
        Assert.That(result.NoChangeReason, Does.StartWith("prettier --write").And.Contain("src/a.js changed nothing: the failure is not a formatting one the tool fixes"));
    }

    [Test]
    public async Task Should_say_the_tool_is_declared_but_not_installed_when_node_modules_is_missing()
    {
        Write("package.json", """{ "devDependencies": { "prettier": "^3.0.0" } }""");
        Write("src/a.js", Unformatted);

        var named = await RunAsync(new() { ["tool"] = "prettier", ["paths"] = "src/a.js" });
        var any = await RunAsync(new() { ["paths"] = "src/a.js" });

        Assert.That(named.Status, Is.EqualTo(CommandStatus.NotApplicable));
        Assert.That(named.Message, Is.EqualTo("prettier is declared in package.json but not installed: dependencies were not set up"));
        Assert.That(any.Message, Is.EqualTo(named.Message), "without a tool named, the declared one is still reported, not 'no formatter'");
    }

    [Test]
    public async Task Should_format_only_the_included_file_with_dotnet_format_whitespace_in_a_solution()
    {
        const string Bad = "namespace Tiny;\n\npublic static class {0}\n{{\n        public static string Hello(  string name  )   =>    \"Hello \" + name;\n   }}\n";
        Write("Tiny.slnx", "<Solution>\n  <Project Path=\"src/Tiny/Tiny.csproj\" />\n</Solution>\n");
        Write("src/Tiny/Tiny.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n");
        Write("src/Tiny/Greeter.cs", string.Format(System.Globalization.CultureInfo.InvariantCulture, Bad, "Greeter"));
        var other = string.Format(System.Globalization.CultureInfo.InvariantCulture, Bad, "Other");
        Write("src/Tiny/Other.cs", other);

        var result = await RunAsync(new() { ["tool"] = "dotnet-format", ["mode"] = "whitespace", ["paths"] = "src/Tiny/Greeter.cs" }, timeout: TimeSpan.FromMinutes(3));

        Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message + result.Sandbox?.OutputTail);
        Assert.That(Read("src/Tiny/Greeter.cs"), Does.Contain("\n    public static string Hello(string name) => \"Hello \" + name;\n}\n"));
        Assert.That(Read("src/Tiny/Other.cs"), Is.EqualTo(other), "the solution's other file is not touched");
        Assert.That(result.CommandLine, Is.EqualTo("dotnet format whitespace Tiny.slnx --include src/Tiny/Greeter.cs --verbosity minimal"));
    }

    [Test]
    public async Task Should_answer_not_applicable_when_none_of_the_named_files_exists()
    {
        Write("package.json", """{ "devDependencies": { "prettier": "3.10.2" } }""");

        var result = await RunAsync(new() { ["tool"] = "prettier", ["paths"] = "src/gone.js" });

        Assert.That(result.Status, Is.EqualTo(CommandStatus.NotApplicable));
        Assert.That(result.Message, Does.Contain("none of the files the failure names").And.Contain("src/gone.js"));
    }

    private async Task<CommandRunResult> RunAsync(Dictionary<string, string> arguments, string? readOnly = null, TimeSpan? timeout = null)
    {
        var command = _harness.Services.GetRequiredService<CommandLibrary>().Find("format")!;
        Assert.That(command.ValidateArguments(arguments), Is.Null);
        return await command.RunAsync(new CommandContext(_workspace, readOnly is null ? [] : [readOnly], arguments, timeout ?? TimeSpan.FromMinutes(2)), CancellationToken.None);
    }

    private void Write(string path, string content)
    {
        var full = Path.Combine(_workspace, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private string Read(string path) => File.ReadAllText(Path.Combine(_workspace, path));
}
