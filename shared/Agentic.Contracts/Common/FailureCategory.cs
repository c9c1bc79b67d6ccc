namespace Agentic.Contracts.Common;

/// <summary>Why a check failed, as classified by the Check Analyzer.</summary>
public enum FailureCategory
{
    Unknown = 0,
    FormatOrLint = 1,
    Compile = 2,
    Test = 3,
    Dependency = 4,
    Infrastructure = 5,
    Flaky = 6,
}
