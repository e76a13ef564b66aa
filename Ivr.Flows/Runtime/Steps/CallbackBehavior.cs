using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Reads out the number to call back (<c>{callback.number}</c>, by default the caller's) and asks for a key:
/// 1 confirms, 2 types another number (when <c>allowOtherNumber</c>; digits ended by <c>#</c>), 3 declines. Then the host
/// books the callback; a refusal, a no-input or a no-match counts one failed attempt, and after <c>maxRetries</c> the flow
/// goes to <c>onDeclined</c>.</summary>
internal sealed class CallbackBehavior : StepBehavior<CallbackStep, CallbackBehavior.Plan>
{
    private const byte ConfirmPrompt = 0;
    private const byte ConfirmListen = 1;
    private const byte NumberPrompt = 2;
    private const byte NumberListen = 3;
    private const byte Booking = 4;
    private const int MinNumberDigits = 3;
    private const int MaxNumberDigits = 20;
    private static readonly TimeSpan InputTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan InterDigitTimeout = TimeSpan.FromSeconds(3);
    private static readonly IReadOnlyList<string> NoPhrases = Array.AsReadOnly(Array.Empty<string>());

    public override string Kind => "callback";

    protected override Plan Build(CallbackStep step, FlowCompileContext ctx)
    {
        var confirm = step.Prompt is not null
            ? PromptPlan.Compile(step.Prompt, ctx)
            : PromptPlan.InlineText(step.AllowOtherNumber
                ? "We can call you back at {callback.number}. Press 1 to confirm, 2 to enter another number, or 3 to cancel."
                : "We can call you back at {callback.number}. Press 1 to confirm, or 3 to cancel.", ctx);
        var number = step.NumberPrompt is not null
            ? PromptPlan.Compile(step.NumberPrompt, ctx)
            : PromptPlan.InlineText("Please enter the number to call back, then press the pound key.", ctx);
        return new Plan(confirm, number, step.Skill, step.AllowOtherNumber, step.MaxRetries);
    }

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        if (run.Values[VariableTable.CallbackNumber].Length == 0)
            run.SetValue(VariableTable.CallbackNumber, run.Values[VariableTable.CallerNumber]);
        if (run.Values[VariableTable.CallbackNumber].Length > 0) AskConfirm(run, plan);
        else if (plan.AllowOtherNumber) AskNumber(run, plan);
        else run.Go(1);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        if (run.Phase is ConfirmPrompt or NumberPrompt) StartListening(run);
    }

    public override void TimerExpired(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        if (run.Phase == NumberListen && run.DigitCount > 0) FinishNumber(run, plan);
        else if (run.Phase is ConfirmListen or NumberListen) Fail(run, plan);
    }

    public override void Digit(FlowRun run, CompiledStep step, char key)
    {
        var plan = PlanOf(step);
        switch (run.Phase)
        {
            case ConfirmPrompt or ConfirmListen:
                run.StopPlayback();
                run.StopListening();
                run.CancelTimer();
                if (key == '1') Book(run, plan);
                else if (key == '2' && plan.AllowOtherNumber) AskNumber(run, plan);
                else if (key == '3') run.Go(1);
                else Fail(run, plan);
                break;
            case NumberPrompt or NumberListen:
                if (key is < '0' or > '9' && key != '#') return;
                if (run.Phase == NumberPrompt)
                {
                    run.StopPlayback();
                    run.Phase = NumberListen;
                    run.Listen(NoPhrases, 0);
                }
                if (key == '#')
                {
                    FinishNumber(run, plan);
                    return;
                }
                run.AppendDigit(key);
                if (run.DigitCount >= MaxNumberDigits) FinishNumber(run, plan);
                else run.StartTimer(InterDigitTimeout);
                break;
        }
    }

    public override void CallbackResult(FlowRun run, CompiledStep step, bool booked, string? number)
    {
        if (run.Phase != Booking) return;
        if (!string.IsNullOrEmpty(number)) run.SetValue(VariableTable.CallbackNumber, number);
        if (booked) run.Go(0);
        else Fail(run, PlanOf(step));
    }

    private static void AskConfirm(FlowRun run, Plan plan)
    {
        run.Phase = ConfirmPrompt;
        if (!run.Play(plan.Confirm.Resolve(run.Locale, run.Values), true)) StartListening(run);
    }

    private static void StartListening(FlowRun run)
    {
        run.Phase++;
        run.Listen(NoPhrases, 0);
        run.StartTimer(InputTimeout);
    }

    private static void AskNumber(FlowRun run, Plan plan)
    {
        run.ClearDigits();
        run.Phase = NumberPrompt;
        if (!run.Play(plan.Number.Resolve(run.Locale, run.Values), true)) StartListening(run);
    }

    private static void FinishNumber(FlowRun run, Plan plan)
    {
        run.CancelTimer();
        run.StopListening();
        if (run.DigitCount < MinNumberDigits)
        {
            Fail(run, plan);
            return;
        }
        run.SetValue(VariableTable.CallbackNumber, run.TakeDigits());
        Book(run, plan);
    }

    private static void Book(FlowRun run, Plan plan)
    {
        run.Phase = Booking;
        run.Await(FlowWait.Callback);
        run.Emit(new BookCallbackEffect(run.Values[VariableTable.CallbackNumber], plan.Skill));
    }

    private static void Fail(FlowRun run, Plan plan)
    {
        var retryNumber = run.Phase is NumberPrompt or NumberListen;
        run.StopPlayback();
        run.StopListening();
        run.CancelTimer();
        if (++run.Failures >= plan.MaxRetries)
        {
            run.Go(1);
            return;
        }
        if (retryNumber || run.Values[VariableTable.CallbackNumber].Length == 0) AskNumber(run, plan);
        else AskConfirm(run, plan);
    }

    internal sealed record Plan(PromptPlan Confirm, PromptPlan Number, string? Skill, bool AllowOtherNumber, int MaxRetries);
}
