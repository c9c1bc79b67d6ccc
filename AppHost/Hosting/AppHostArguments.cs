using System.Globalization;

namespace Agentic.AppHost.Hosting;

/// <summary>The AppHost's command line, mapped onto <see cref="AppHostOptions"/> configuration keys.</summary>
public sealed class AppHostArguments
{
    public const string Usage = """
        Usage: dotnet run --project AppHost -- [options]

        Runs PostgreSQL, RabbitMQ and the Agentic services on this machine, with a dashboard.

        Options:
          --state-dir <path>       Where PostgreSQL and RabbitMQ keep their data between runs
                                   (default: $AGENTIC_STATE_DIR, else /var/lib/agentic as root,
                                   else ${XDG_STATE_HOME:-~/.local/state}/agentic)
          --reset                  Wipe the state folder before starting
          --dashboard-port <port>  Dashboard port on 127.0.0.1 (default 18888; 0 = any free port;
                                   configuration key AppHost:DashboardPort)
          -h, --help               Show this help
        """;

    private AppHostArguments(IReadOnlyDictionary<string, string?> settings, bool showHelp, string? error)
    {
        Settings = settings;
        ShowHelp = showHelp;
        Error = error;
    }

    /// <summary>Configuration keys and values (e.g. <c>AppHost:DashboardPort</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public bool ShowHelp { get; }

    /// <summary>What was wrong with the command line, or null.</summary>
    public string? Error { get; }

    public static AppHostArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
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
                    return new AppHostArguments(settings, showHelp: true, error: null);
                case "--reset":
                    settings[$"{AppHostOptions.SectionName}:{nameof(AppHostOptions.Reset)}"] = "true";
                    break;
                case "--state-dir":
                    if (TakeValue() is not { Length: > 0 } directory)
                    {
                        return Fail("--state-dir needs a path.");
                    }

                    settings[$"{AppHostOptions.SectionName}:{nameof(AppHostOptions.StateDirectory)}"] = directory;
                    break;
                case "--dashboard-port":
                    if (!int.TryParse(TakeValue(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        return Fail("--dashboard-port needs a port number (0-65535).");
                    }

                    settings[$"{AppHostOptions.SectionName}:{nameof(AppHostOptions.DashboardPort)}"] = port.ToString(CultureInfo.InvariantCulture);
                    break;
                default:
                    return Fail($"Unknown argument '{args[i]}'.");
            }
        }

        return new AppHostArguments(settings, showHelp: false, error: null);

        AppHostArguments Fail(string error) => new(settings, showHelp: false, error);
    }
}
