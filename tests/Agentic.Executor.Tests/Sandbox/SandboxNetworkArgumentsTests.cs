using Agentic.Executor.Options;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Tests.Sandbox;

/// <summary>The bubblewrap arguments of the two network modes: none at all, and registry-only through the egress socket.</summary>
public sealed class SandboxNetworkArgumentsTests
{
    private static readonly SandboxCaches Caches = new("/caches/nuget", "/caches/npm", "/caches/pip");

    [Test]
    public void Should_keep_its_own_network_namespace_and_bind_only_the_proxy_socket_when_setup_needs_the_registries()
    {
        var argv = SandboxRunner.BuildBwrapArguments(
            new SandboxRequest { Workspace = "/ws", Arguments = ["npm", "ci"], Timeout = TimeSpan.FromMinutes(1), EgressSocket = "/root/egress/abc.sock", WritableCaches = true },
            new SandboxOptions(),
            [],
            caches: Caches);

        Assert.That(argv, Does.Contain("--unshare-net"));
        Assert.That(Window(argv, "--bind", "/root/egress/abc.sock", SandboxRunner.EgressMount), Is.True);
        Assert.That(Window(argv, "--bind", "/caches/npm", SandboxRunner.NpmMount), Is.True, "caches writable during setup");
        Assert.That(Window(argv, "--setenv", "HTTPS_PROXY", "http://127.0.0.1:3128"), Is.True);
        Assert.That(Window(argv, "--setenv", "npm_config_https_proxy", "http://127.0.0.1:3128"), Is.True);
        Assert.That(argv, Does.Not.Contain("npm_config_offline"));
        Assert.That(argv.SkipWhile(a => a != "--chdir").Skip(3), Is.EqualTo(new[] { "/bin/sh", "-c", SandboxRunner.BridgeScript, "agentic-egress", "npm", "ci" }));
    }

    [Test]
    public void Should_have_no_proxy_and_read_only_caches_when_the_command_is_not_setup()
    {
        var argv = SandboxRunner.BuildBwrapArguments(
            new SandboxRequest { Workspace = "/ws", Arguments = ["npm", "test"], Timeout = TimeSpan.FromMinutes(1) },
            new SandboxOptions(),
            [],
            caches: Caches);

        Assert.That(argv, Does.Contain("--unshare-net"));
        Assert.That(argv, Does.Not.Contain(SandboxRunner.EgressMount).And.Not.Contain("HTTPS_PROXY"));
        Assert.That(Window(argv, "--ro-bind", "/caches/npm", SandboxRunner.NpmMount), Is.True);
        Assert.That(Window(argv, "--ro-bind", "/caches/nuget", SandboxRunner.NuGetMount), Is.True);
        Assert.That(Window(argv, "--setenv", "npm_config_offline", "true"), Is.True);
        Assert.That(argv.SkipWhile(a => a != "--chdir").Skip(3), Is.EqualTo(new[] { "npm", "test" }));
    }

    [Test]
    public void Should_refuse_a_repository_variable_that_changes_what_is_loaded()
    {
        Assert.Throws<ArgumentException>(() => SandboxRunner.BuildBwrapArguments(
            new SandboxRequest { Workspace = "/ws", Arguments = ["true"], Timeout = TimeSpan.FromMinutes(1) },
            new SandboxOptions(),
            [],
            repositoryEnvironment: new Dictionary<string, string> { ["LD_PRELOAD"] = "/tmp/ws/evil.so" }));
    }

    private static bool Window(List<string> argv, params string[] sequence) =>
        Enumerable.Range(0, argv.Count - sequence.Length + 1).Any(i => argv.Skip(i).Take(sequence.Length).SequenceEqual(sequence));
}
