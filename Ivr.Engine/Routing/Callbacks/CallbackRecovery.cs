namespace Ivr.Engine.Routing.Callbacks;

/// <summary>What <see cref="ICallbackStore.RecoverAsync"/> (or <see cref="ICallbackStore.RecoverExpiredAsync"/>) did with the callbacks a crash left Dialling.</summary>
/// <param name="PutBack">Put back to Pending to be dialled again (or Failed when that was their last attempt).</param>
/// <param name="Served">Counted as served (Connected): their conversation had lasted <see cref="CallbackRetryPolicy.ServedAfter"/>.</param>
public sealed record CallbackRecovery(int PutBack, int Served);
