using System.Diagnostics;
using System.Text.Json.Nodes;
using Agentic.StandIns.GitHub;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// An xunit failure in a C# project with NuGet dependencies end to end, every service a real process: the project
/// references xunit, xunit.runner.visualstudio and Microsoft.NET.Test.Sdk from the real NuGet source; the Actions log is
/// the real <c>dotnet test</c> output (its folder renamed to the runner's). The Executor restores through the egress proxy
/// (the job's <c>dotnet restore</c> step), reproduces <c>dotnet test --no-restore</c> at the head with no network,
/// applies the scripted model's diff, runs the step again and pushes.
/// </summary>
public sealed class XunitEndToEndTests : RealRepositoryTest
{
    private const string Workflow = """
        name: CI
        on: pull_request
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: dotnet restore
              - run: dotnet test --no-restore
        """;

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <IsPackable>false</IsPackable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
            <PackageReference Include="xunit" Version="2.9.3" />
            <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
          </ItemGroup>
        </Project>

        """;

    private const string Tests = "using Xunit;\n\nnamespace Calc;\n\npublic class CalculatorTests\n{\n    [Fact]\n    public void Add_returns_the_sum() => Assert.Equal(5, Calculator.Add(2, 3));\n}\n";

    private static string Calculator(string add) => $"namespace Calc;\n\npublic static class Calculator\n{{\n    public static int Add(int a, int b) => {add};\n}}\n";

    [Test]
    public async Task Should_push_the_models_diff_when_an_xunit_test_fails_in_a_project_with_nuget_dependencies()
    {
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = Workflow,
            [".gitignore"] = "bin/\nobj/\n",
            ["Calc.Tests.csproj"] = Project,
            ["Calculator.cs"] = Calculator("a + b"),
            ["CalculatorTests.cs"] = Tests,
        };
        var log = await RealDotnetTestLogAsync(new Dictionary<string, string?>(files) { ["Calculator.cs"] = Calculator("a - b") });
        var check = await AddFailedCheckAsync("calc", files, new Dictionary<string, string?> { ["Calculator.cs"] = Calculator("a - b") }, "Change Add", new JobSeed
        {
            Name = "test",
            Conclusion = "failure",
            Log = log,
            Steps = ["Set up job", "Run actions/checkout@v4", "Run dotnet restore", "Run dotnet test --no-restore", "Complete job"],
            FailedStep = "Run dotnet test --no-restore",
        });
        Llm.Enqueue(new JsonObject { ["root_cause"] = "Calculator.Add subtracts", ["strategy"] = "llm_edit", ["confidence"] = 0.8, ["files"] = new JsonArray("Calculator.cs") }.ToJsonString());
        Llm.Enqueue("diff --git a/Calculator.cs b/Calculator.cs\n--- a/Calculator.cs\n+++ b/Calculator.cs\n@@ -2,5 +2,5 @@\n \n public static class Calculator\n {\n-    public static int Add(int a, int b) => a - b;\n+    public static int Add(int a, int b) => a + b;\n }\n");

        var workflow = await RunToEndAsync(check, "xunit_fix", TimeSpan.FromMinutes(8));
        var pushed = await ReadPushedAsync(check.Repository, "Calculator.cs");
        Assert.Multiple(() =>
        {
            Assert.That(Plain(log), Does.Contain("[FAIL]").And.Contain("Add_returns_the_sum"), "the log is the real dotnet test's");
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(pushed["Calculator.cs"], Is.EqualTo(Calculator("a + b")));
            Assert.That(EditRequests, Is.EqualTo(1));
            Assert.That(Report(check.Repository, workflow), Does.Contain("fix pushed"));
        });
    }

    /// <summary>The real <c>dotnet test</c> on <paramref name="files"/> (restored from the NuGet source on the host), as an Actions step log.</summary>
    private static async Task<string> RealDotnetTestLogAsync(IReadOnlyDictionary<string, string?> files)
    {
        var folder = Directory.CreateTempSubdirectory("xunit-host-").FullName;
        try
        {
            foreach (var (path, content) in files.Where(f => !f.Key.StartsWith(".github", StringComparison.Ordinal)))
            {
                await File.WriteAllTextAsync(Path.Combine(folder, path), content);
            }

            using var dotnet = Process.Start(new ProcessStartInfo("dotnet", ["test", "--nologo"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = dotnet.StandardOutput.ReadToEndAsync();
            var stderr = dotnet.StandardError.ReadToEndAsync();
            await dotnet.WaitForExitAsync();
            var output = (await stdout + await stderr).Replace(folder, "/home/runner/work/calc/calc", StringComparison.Ordinal);
            Assert.That(dotnet.ExitCode, Is.Not.Zero, output);
            var lines = new List<string> { "##[group]Run dotnet test --no-restore", "dotnet test --no-restore", "shell: /usr/bin/bash -e {0}", "##[endgroup]" };
            lines.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            lines.Add("##[error]Process completed with exit code 1.");
            return string.Join('\n', lines.Select((line, i) => $"2026-12-07T10:00:{i % 60:00}.0000000Z {line}")) + "\n";
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
