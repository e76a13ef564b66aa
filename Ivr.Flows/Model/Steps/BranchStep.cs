namespace Ivr.Flows.Model.Steps;

/// <summary>Goes to the first case whose condition holds, else to <see cref="Else"/>.</summary>
public sealed record BranchStep : Step
{
    public override string Kind => "branch";
    public required IReadOnlyList<BranchCase> Conditions { get; init; }
    public required string Else { get; init; }

    public override IEnumerable<StepLink> Links()
    {
        for (var i = 0; i < Conditions.Count; i++)
            yield return new($"when #{i + 1}", Conditions[i].Next, Conditions[i].Pointer + "/next");
        yield return new("else", Else, Pointer + "/else");
    }
}

/// <summary>One case of a branch.</summary>
public sealed record BranchCase(Condition When, string Next, string Pointer);
