namespace Agentic.LocalServers;

/// <summary>A server binary (or its system account) is not installed; the message is one line naming the package.</summary>
public sealed class LocalServerMissingException(string message) : Exception(message)
{
    /// <summary>"<paramref name="what"/> is not installed: run 'sudo apt-get install -y <paramref name="package"/>' ...".</summary>
    public static LocalServerMissingException NotInstalled(string what, string package) =>
        new($"{what} is not installed: run 'sudo apt-get install -y {package}' (or ./AppHost/run.sh, which installs it).");
}
