namespace Agentic.Testing;

/// <summary>A server the AppHost runs from installed binaries is missing; the message is one line saying what to run.</summary>
public sealed class InfrastructureNotInstalledException : Exception
{
    public InfrastructureNotInstalledException()
    {
    }

    public InfrastructureNotInstalledException(string message)
        : base(message)
    {
    }

    public InfrastructureNotInstalledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
