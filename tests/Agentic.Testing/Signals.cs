namespace Agentic.Testing;

/// <summary>Linux signal numbers (x86-64 and arm64 agree on these).</summary>
public static class Signals
{
    public const int Interrupt = 2;
    public const int Quit = 3;
    public const int Kill = 9;
    public const int Terminate = 15;

    /// <summary>SIGCONT: resumes a stopped process.</summary>
    public const int Continue = 18;

    /// <summary>SIGSTOP: stops (hangs) a process without killing it; its sockets stay open.</summary>
    public const int Stop = 19;

    /// <summary>The name <c>setpriv --pdeathsig</c> takes.</summary>
    internal static string Name(int signal) => signal switch
    {
        Interrupt => "INT",
        Quit => "QUIT",
        Kill => "KILL",
        Terminate => "TERM",
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Unsupported signal."),
    };
}
