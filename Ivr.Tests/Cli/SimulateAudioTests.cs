using System.Diagnostics;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Speech;

namespace Ivr.Tests.Cli;

/// <summary><c>flow simulate --audio</c>: WAV files (espeak-ng at its own 22,050 Hz) decoded by the real recognizer per listening turn.</summary>
public class SimulateAudioTests
{
    private static string SpeechMenu => RepoPaths.TestData("calls", "speech-menu.json");

    private static string Sounds => Path.Combine(RepoPaths.Root, "sounds");

    [Fact]
    public async Task Audio_SpokenNonsenseThenSales_NoMatchThenTheSalesBranch()
    {
        var folder = SpeechTestAudio.TempFolder("simulate-audio");
        var nonsense = Espeak(folder, "purple elephant umbrella");
        var sales = Espeak(folder, "sales");

        var result = await CliRunner.Run("flow", "simulate", SpeechMenu, "--sounds", Sounds, "--audio", nonsense, "--audio", sales);

        Assert.True(result.Code == 0, result.All);
        Assert.Contains("audio purple-elephant-umbrella.wav: no match", result.Out);
        Assert.Contains("audio sales.wav: heard 'sales'", result.Out);
        Assert.Contains("outcome: hangup:sales", result.Out);
    }

    [Fact]
    public async Task Audio_MissingFile_ClearErrorAndExitCode()
    {
        var result = await CliRunner.Run("flow", "simulate", SpeechMenu, "--sounds", Sounds, "--audio", "/nonexistent/said.wav");

        Assert.Equal(1, result.Code);
        Assert.Contains("--audio: '/nonexistent/said.wav' does not exist", result.Error);
    }

    private static string Espeak(string folder, string text)
    {
        var path = Path.Combine(folder, text.Replace(' ', '-') + ".wav");
        using var process = Process.Start(new ProcessStartInfo("espeak-ng") { ArgumentList = { "-v", "en-us", "-w", path, text }, UseShellExecute = false })!;
        Assert.True(process.WaitForExit(30_000), "espeak-ng did not finish");
        Assert.Equal(0, process.ExitCode);
        return path;
    }
}
