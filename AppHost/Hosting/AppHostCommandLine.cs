using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Agentic.AppHost.Publishing;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// The AppHost's command line (System.CommandLine): the root command runs the system here, <c>publish</c> writes Kubernetes
/// manifests. A run option not given falls back to its <c>AppHost__*</c> variable, then to its default.
/// </summary>
internal static class AppHostCommandLine
{
    private static readonly Option<string?> StateDirectory = new("--state-dir")
    {
        Description = "Where PostgreSQL and RabbitMQ keep their data between runs (default: $AppHost__StateDirectory, " +
            "else $AGENTIC_STATE_DIR, else /var/lib/agentic as root, else ${XDG_STATE_HOME:-~/.local/state}/agentic)",
        HelpName = "path",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AppHost__StateDirectory"),
    };

    private static readonly Option<bool> Reset = Flag("--reset", "AppHost__Reset", "Wipe the state folder before starting (the credentials stay)");

    private static readonly Option<int> DashboardPort = Port("--dashboard-port", "AppHost__DashboardPort", 18888, "Aspire dashboard port on 127.0.0.1");

    private static readonly Option<int> GatewayPort = Port(
        "--gateway-port", "AppHost__GatewayPort", 18080, "Ingress Gateway port on 127.0.0.1, stable so a webhook tunnel need not be re-pointed");

    private static readonly Option<bool> Demo = Flag("--demo", "AppHost__Demo",
        "Add a local demo GitHub (http://127.0.0.1:18090) with a pull request whose format check failed, and run rules only: watch it get fixed and pushed");

    private static readonly Option<int> DemoPort = Port("--demo-port", "AppHost__DemoPort", DemoGitHub.Port, "The demo GitHub's port on 127.0.0.1 (with --demo)");

    private static readonly Option<bool> Containers = Flag("--containers", "AppHost__Containers",
        "Run PostgreSQL and RabbitMQ as Aspire's official container resources (needs Docker or Podman) instead of this machine's binaries");

    private static readonly Command Publish = KubernetesPublishOptions.Command();

    /// <summary>The commands: run (the root) with its options, and <c>publish</c>.</summary>
    public static RootCommand Root { get; } = new(
        "Runs PostgreSQL, RabbitMQ, the migrations and the Agentic services on this machine, with the Aspire dashboard " +
        "(./AppHost/run.sh [options], or dotnet run --project AppHost -- [options]).")
    {
        StateDirectory, Reset, DashboardPort, GatewayPort, Demo, DemoPort, Containers, Publish,
    };

    static AppHostCommandLine()
    {
        // Program.cs does the commands' work after Reply; without an action, the root would insist on a subcommand.
        Root.SetAction(_ => { });
        Publish.Validators.Add(publish =>
        {
            // Given before the command name, a run option would otherwise be accepted and ignored.
            foreach (var option in ((Option[])[StateDirectory, Reset, DashboardPort, GatewayPort, Demo, DemoPort, Containers]).Where(option => publish.GetResult(option) is { Implicit: false }))
            {
                publish.AddError($"{option.Name} applies to running the system here, not to 'publish'.");
            }
        });
    }

    /// <summary>
    /// Answers <c>--help</c> and <c>--version</c> (exit code 0), or names the first mistake followed by the help (exit code 2);
    /// null when there is work to do.
    /// </summary>
    public static int? Reply(ParseResult result)
    {
        if (result.Errors is [var error, ..])
        {
            Console.Error.WriteLine(error.Message);
            Console.Error.WriteLine();
            new HelpAction().Invoke(result);
            return 2;
        }

        return result.Action == result.CommandResult.Command.Action ? null : result.Invoke();
    }

    public static AppHostSettings Settings(ParseResult result) =>
        new(result.GetValue(StateDirectory), result.GetValue(Reset), result.GetValue(DashboardPort), result.GetValue(GatewayPort), result.GetValue(Demo), result.GetValue(DemoPort),
            result.GetValue(Containers));

    /// <summary>For <c>publish</c>: where and how to write the manifests; null when running the system here.</summary>
    public static KubernetesPublishOptions? PublishOptions(ParseResult result) =>
        result.CommandResult.Command == Publish ? KubernetesPublishOptions.From(result) : null;

    private static Option<bool> Flag(string name, string variable, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => bool.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value,
    };

    private static Option<int> Port(string name, string variable, int fallback, string description) => new(name)
    {
        Description = $"{description}; ${variable} sets the default",
        HelpName = "port",
        DefaultValueFactory = _ => ParsePort(Environment.GetEnvironmentVariable(variable)) ?? fallback,
        CustomParser = result =>
        {
            if (ParsePort(result.Tokens[0].Value) is { } port)
            {
                return port;
            }

            result.AddError($"{name} needs a port number (1-65535).");
            return 0;
        },
    };

    private static int? ParsePort(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;
}
