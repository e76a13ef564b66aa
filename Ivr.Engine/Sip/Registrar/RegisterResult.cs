namespace Ivr.Engine.Sip.Registrar;

/// <summary>The outcome of <see cref="RegisterUpdate.ApplyTo"/>: 200 with the new bindings, or a failure status (nothing changed).</summary>
public sealed record RegisterResult(int StatusCode, string? Reason, IReadOnlyList<RegistrationBinding> Bindings, TimeSpan? MinExpires)
{
    /// <summary>True for 200.</summary>
    public bool IsSuccess => StatusCode == 200;

    /// <summary>Success with the address-of-record's bindings after the update.</summary>
    public static RegisterResult Ok(IReadOnlyList<RegistrationBinding> bindings) => new(200, null, bindings, null);

    /// <summary>A failure with a reason phrase.</summary>
    public static RegisterResult Fail(int statusCode, string reason) => new(statusCode, reason, [], null);

    /// <summary>423 Interval Too Brief with the Min-Expires to put in the response (RFC 3261 §10.3 step 7).</summary>
    public static RegisterResult TooBrief(TimeSpan minExpires) => new(423, null, [], minExpires);
}
