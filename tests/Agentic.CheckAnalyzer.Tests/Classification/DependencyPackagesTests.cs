using Agentic.CheckAnalyzer.Classification;
using Agentic.CheckAnalyzer.Parsers;

namespace Agentic.CheckAnalyzer.Tests.Classification;

public sealed class DependencyPackagesTests
{
    [TestCase("npm", "No matching version found for is-odd@9.9.9", "is-odd")]
    [TestCase("npm", "No matching version found for @types/node@^99.0.0", "@types/node")]
    [TestCase("npm", "'@acme/left-padd@^1.0.0' is not in the registry", "@acme/left-padd")]
    [TestCase("nuget", "Unable to find package Newtonsoft.Json with version (>= 99.0.0)", "Newtonsoft.Json")]
    [TestCase("nuget", "Unable to find package Contoso.Payments. No packages exist with this id in source(s): nuget.org", "Contoso.Payments")]
    [TestCase("nuget", "Unable to find a stable package Serilog with version (>= 9.0.0)", "Serilog")]
    [TestCase("pip", "No matching distribution found for requests==99.0", "requests")]
    [TestCase("pip", "Could not find a version that satisfies the requirement Django>=99 (from versions: 4.2, 5.0)", "Django")]
    public void Should_read_the_package_name_when_a_resolution_finding_names_one(string tool, string message, string expected) =>
        Assert.That(DependencyPackages.Name(new Finding(FindingKind.Dependency, tool, null, null, null, null, message)), Is.EqualTo(expected));

    [TestCase("npm", "package.json and package-lock.json are out of sync")]
    [TestCase("pip", "ResolutionImpossible")]
    public void Should_name_no_package_when_the_finding_names_none(string tool, string message) =>
        Assert.That(DependencyPackages.Name(new Finding(FindingKind.Dependency, tool, null, null, null, null, message)), Is.Null);
}
