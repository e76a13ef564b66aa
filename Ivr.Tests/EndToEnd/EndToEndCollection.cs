namespace Ivr.Tests.EndToEnd;

/// <summary>End-to-end tests run one at a time: each starts an engine process and sipp, and timing is measured.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
