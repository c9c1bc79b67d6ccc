using Agentic.CheckAnalyzer.Parsers;
using Agentic.CheckAnalyzer.Tests.Infrastructure;

namespace Agentic.CheckAnalyzer.Tests.Parsers;

/// <summary>The fixtures are the real output of npm 11, <c>dotnet restore</c> against nuget.org and pip 23.</summary>
public sealed class DependencyParserTests
{
    private static IReadOnlyList<Finding> Parse(string fixture)
    {
        var findings = new FindingCollector();
        LogParsers.ParseText(Fixture.Read(fixture), findings);
        return findings.Findings;
    }

    [Test]
    public void Should_name_the_missing_version_when_npm_reports_etarget()
    {
        Assert.That(Parse("npm-etarget.log"), Is.EqualTo(new[] { new Finding(FindingKind.Dependency, "npm", null, null, null, "ETARGET", "No matching version found for left-pad@99.99.99") }));
    }

    [Test]
    public void Should_name_the_conflicting_peer_when_npm_reports_eresolve()
    {
        Assert.That(Parse("npm-eresolve.log"), Is.EqualTo(new[] { new Finding(FindingKind.Dependency, "npm", null, null, null, "ERESOLVE", "unable to resolve dependency tree: peer react@\"17.0.2\" from react-dom@17.0.2") }));
    }

    [TestCase("npm-e404.log", "@acme-nonexistent-zz/left-padd@^1.0.0")]
    [TestCase("npm-404.log", "@acme/left-padd@^1.0.0")]
    public void Should_name_the_missing_package_when_npm_reports_e404(string fixture, string package)
    {
        Assert.That(Parse(fixture), Is.EqualTo(new[] { new Finding(FindingKind.Dependency, "npm", null, null, null, "E404", $"'{package}' is not in the registry") }));
    }

    [Test]
    public void Should_read_the_versions_nuget_found_when_restore_reports_nu1102()
    {
        Assert.That(Parse("nuget-nu1102.log"), Is.EqualTo(new[]
        {
            new Finding(FindingKind.Dependency, "nuget", "/tmp/pfx/nuget/src/Shop.Api/Shop.Api.csproj", null, null, "NU1102", "Unable to find package Newtonsoft.Json with version (>= 99.0.0) - Found 12 version(s) in nuget.org [ Nearest version: 14.0.1-beta2 ]"),
        }));
    }

    [Test]
    public void Should_report_the_requirement_once_when_pip_finds_no_matching_version()
    {
        Assert.That(Parse("pip-no-version.log"), Is.EqualTo(new[] { new Finding(FindingKind.Dependency, "pip", null, null, null, null, "Could not find a version that satisfies the requirement invoicekit==99.0.0 (from versions: none)") }));
    }
}
