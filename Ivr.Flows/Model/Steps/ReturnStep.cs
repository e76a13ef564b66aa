namespace Ivr.Flows.Model.Steps;

/// <summary>Ends a subflow; the caller continues after the subflow step.</summary>
public sealed record ReturnStep : Step
{
    public override string Kind => "return";
    public override IEnumerable<StepLink> Links() => [];
    public override bool IsTerminal => true;
}
