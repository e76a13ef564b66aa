using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime;

/// <summary>Transfer the call; the host reports <see cref="FlowRun.TransferResult"/>.</summary>
/// <param name="Uri">Target SIP URI, variables interpolated.</param>
/// <param name="Method">REFER or bridge.</param>
public sealed record TransferEffect(string Uri, TransferMethod Method) : FlowEffect;
