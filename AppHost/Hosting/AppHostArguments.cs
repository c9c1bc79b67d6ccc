using System.Globalization;
using Agentic.AppHost.Publishing;

namespace Agentic.AppHost.Hosting;

/// <summary>What the AppHost was asked to do: run the system here (the default) or publish Kubernetes manifests.</summary>
public enum AppHostCommand
{
    Run,
    Publish,
}

/// <summary>The AppHost's command line: the command, and its options as configuration keys or <see cref="KubernetesPublishOptions"/>.</summary>
public sealed class AppHostArguments
{
    public const string Usage = """
        Usage: dotnet run --project AppHost -- [options]
               dotnet run --project AppHost -- publish --output <dir> [publish options]

        Runs PostgreSQL, RabbitMQ, the migrations and the Agentic services on this machine, with
        the Aspire dashboard.

        Options:
          --state-dir <path>       Where PostgreSQL and RabbitMQ keep their data between runs
                                   (default: $AGENTIC_STATE_DIR, else /var/lib/agentic as root,
                                   else ${XDG_STATE_HOME:-~/.local/state}/agentic)
          --reset                  Wipe the state folder before starting
          --dashboard-port <port>  Aspire dashboard port on 127.0.0.1 (default 18888; AppHost:DashboardPort)
          --gateway-port <port>    Ingress Gateway port on 127.0.0.1 (default 18080; AppHost:GatewayPort),
                                   stable so a webhook tunnel need not be re-pointed
          --demo                   Add a local demo GitHub (http://127.0.0.1:18090) with a pull request whose
                                   format check failed, and run rules only: watch it get fixed and pushed
          -h, --help               Show this help

        publish: writes Kubernetes manifests for the same model (one file per resource and a
        kustomization.yaml; apply with kubectl apply -k <dir>), starts nothing.
          --output <dir>           Folder to write to (required; created when missing)
          --namespace <name>       Kubernetes namespace (default agentic)
          --image-registry <p>     Image prefix, e.g. ghcr.io/acme: images <p>/agentic-<resource>:<tag>
                                   (default: none, images agentic-<resource>:<tag>)
          --image-tag <tag>        Image tag (default latest)
        """;

    public const string StateDirectoryKey = "AppHost:StateDirectory";
    public const string ResetKey = "AppHost:Reset";
    public const string DashboardPortKey = "AppHost:DashboardPort";
    public const string GatewayPortKey = "AppHost:GatewayPort";
    public const string DemoKey = "AppHost:Demo";

    private AppHostArguments(
        AppHostCommand command, IReadOnlyDictionary<string, string?> settings, KubernetesPublishOptions? publish, bool showHelp, string? error)
    {
        Command = command;
        Settings = settings;
        Publish = publish;
        ShowHelp = showHelp;
        Error = error;
    }

    public AppHostCommand Command { get; }

    /// <summary>Configuration keys and values (e.g. <see cref="DashboardPortKey"/>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>For <see cref="AppHostCommand.Publish"/> without errors: where and how to write the manifests.</summary>
    public KubernetesPublishOptions? Publish { get; }

    public bool ShowHelp { get; }

    /// <summary>What was wrong with the command line, or null.</summary>
    public string? Error { get; }

    public static AppHostArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var command = args.Count > 0 && args[0] == "publish" ? AppHostCommand.Publish : AppHostCommand.Run;
        var publishValues = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = command == AppHostCommand.Run ? 0 : 1; i < args.Count; i++)
        {
            var (name, inlineValue) = args[i].Split('=', 2) is [var n, var v] && args[i].StartsWith("--", StringComparison.Ordinal)
                ? (n, v)
                : (args[i], null);

            string? TakeValue()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                return i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            }

            switch (name)
            {
                case "-h" or "--help" or "-?":
                    return new AppHostArguments(command, settings, publish: null, showHelp: true, error: null);
                case "--reset" when command == AppHostCommand.Run:
                    settings[ResetKey] = "true";
                    break;
                case "--demo" when command == AppHostCommand.Run:
                    settings[DemoKey] = "true";
                    break;
                case "--state-dir" when command == AppHostCommand.Run:
                    if (TakeValue() is not { Length: > 0 } directory)
                    {
                        return Fail("--state-dir needs a path.");
                    }

                    settings[StateDirectoryKey] = directory;
                    break;
                case "--dashboard-port" or "--gateway-port" when command == AppHostCommand.Run:
                    if (!int.TryParse(TakeValue(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                    {
                        return Fail($"{name} needs a port number (1-65535).");
                    }

                    settings[name == "--gateway-port" ? GatewayPortKey : DashboardPortKey] = port.ToString(CultureInfo.InvariantCulture);
                    break;
                case "--output" or "--namespace" or "--image-registry" or "--image-tag" when command == AppHostCommand.Publish:
                    if (KubernetesPublishOptions.Check(name, TakeValue()) is not { } value)
                    {
                        return Fail(KubernetesPublishOptions.Describe(name));
                    }

                    publishValues[name] = value;
                    break;
                case "--reset" or "--state-dir" or "--dashboard-port" or "--gateway-port" or "--demo":
                    return Fail($"{name} applies to running the system here, not to '{args[0]}'.");
                case "--output" or "--namespace" or "--image-registry" or "--image-tag":
                    return Fail($"{name} applies to 'publish' only.");
                default:
                    return Fail($"Unknown argument '{args[i]}'.");
            }
        }

        if (command == AppHostCommand.Publish && !publishValues.ContainsKey("--output"))
        {
            return Fail("publish needs --output <dir>.");
        }

        var publish = command == AppHostCommand.Publish ? KubernetesPublishOptions.From(publishValues) : null;
        return new AppHostArguments(command, settings, publish, showHelp: false, error: null);

        AppHostArguments Fail(string error) => new(command, settings, publish: null, showHelp: false, error);
    }
}
