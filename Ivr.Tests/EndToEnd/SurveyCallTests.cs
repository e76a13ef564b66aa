using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ivr.Engine.Media;
using Ivr.Engine.Speech;
using Ivr.Engine.Surveys;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Satisfaction by path end to end: sipp callers queue on <c>flows/survey-demo.json</c> in the real <c>ivr serve</c>, a
/// sipp agent answers and hangs up first, the caller's flow goes on to the survey, answered once by RFC 4733 keys and once
/// by voice (espeak-ng audio streamed as RTP); the stored surveys carry their path and the report's figures are the
/// ones the callers gave.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class SurveyCallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    // When the caller answers, counted from its ACK: the agent hangs up 2 s after answering, a few seconds in; the first
    // question is then asked for ~9 s, listened to for 5 s and asked again, so 14 s lands inside it even on a loaded machine.
    private static readonly TimeSpan FirstAnswerAt = TimeSpan.FromSeconds(14);
    private static readonly TimeSpan SecondAnswerAfter = TimeSpan.FromSeconds(3.5);

    [Fact]
    public async Task AgentHangsUpFirst_SurveyAnsweredByKeyAndByVoice_StoredWithThePath_ReportMatchesTheAnswers()
    {
        var folder = Directory.CreateTempSubdirectory("ivr-survey-").FullName;
        try
        {
            var agentPort = SippProcess.FreeUdpPort();
            var agents = new
            {
                wrapUpSeconds = 1,
                ringTimeoutSeconds = 5,
                skills = new[] { new { id = "support", serviceLevelSeconds = 20 } },
                agents = new[] { new { id = "a1", name = "Agent a1", contact = $"sip:a1@127.0.0.1:{agentPort.ToString(CultureInfo.InvariantCulture)}", skills = new[] { new { skill = "support", level = 5 } } } },
            };
            await File.WriteAllTextAsync(Path.Combine(folder, "agents.json"), JsonSerializer.Serialize(agents));
            await using var engine = await EngineProcess.StartAsync(
                "--flows", "flows", "--data", Path.Combine(folder, "data"),
                "--set", "Flows:Map:survey=survey-demo",
                "--set", "Routing:AgentsFile=" + Path.Combine(folder, "agents.json"),
                "--set", "Routing:CheckInterval=00:00:01");
            await engine.WaitForLogAsync("recognition decoders loaded", TimeSpan.FromSeconds(60));
            using var agent = SippProcess.Start(agentPort, TimeSpan.FromSeconds(240), "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "2", "-d", "2000", "-rtp_echo");

            // The answers each caller gives: (first question, second question).
            var byKey = (Q1: 5, Q2: 4);
            var byVoice = (Q1: 4, Q2: 5);

            // Both keys in one RFC 4733 burst (sipp's play_dtmf sends PT 96): the second question's prompt starts with barge-in
            // as soon as the first key answers, so the second key answers it, whatever the machine's load.
            var keyScenario = WriteScenario(folder, "survey-keys", "+33611110001", "m=audio [auto_media_port] RTP/AVP 8 96\n      a=rtpmap:8 PCMA/8000\n      a=rtpmap:96 telephone-event/8000",
                $"""
                  <pause milliseconds="{Ms(FirstAnswerAt)}"/>
                  <nop><action><exec play_dtmf="{byKey.Q1}{byKey.Q2}"/></action></nop>
                """);
            using (var caller = SippProcess.Start(SippProcess.FreeUdpPort(), Bound, "-sf", keyScenario, "-s", "survey", "-m", "1", engine.Target))
                Assert.True(await caller.WaitAsync(Bound) == 0, "key caller failed:\n" + caller.Output + "\nengine:\n" + engine.Log);

            var stream = await VoiceStreamAsync(folder, Words[byVoice.Q1], Words[byVoice.Q2]);
            var voiceScenario = WriteScenario(folder, "survey-voice", "+33611110002", "m=audio [rtpstream_audio_port] RTP/AVP 0 101\n      a=rtpmap:0 PCMU/8000\n      a=rtpmap:101 telephone-event/8000",
                $"""
                  <nop><action><exec rtp_stream="{stream},1,0"/></action></nop>
                """);
            using (var caller = SippProcess.Start(SippProcess.FreeUdpPort(), Bound, "-sf", voiceScenario, "-s", "survey", "-m", "1", engine.Target))
                Assert.True(await caller.WaitAsync(Bound) == 0, "voice caller failed:\n" + caller.Output + "\nengine:\n" + engine.Log);
            Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\nengine:\n" + engine.Log);

            // Stored when each call ends, off the call's thread: wait for both rows.
            JsonElement surveys = default;
            for (var i = 0; i < 200; i++)
            {
                surveys = await Http.GetFromJsonAsync<JsonElement>(engine.HttpBase + "/api/surveys?days=1");
                if (surveys.GetProperty("surveys").GetArrayLength() >= 2) break;
                await Task.Delay(100);
            }
            output.WriteLine(surveys.ToString());
            var rows = surveys.GetProperty("surveys").EnumerateArray().ToDictionary(s => s.GetProperty("number").GetString()!);
            Assert.True(rows.Count == 2, "surveys stored: " + surveys + "\nengine:\n" + engine.Log);
            foreach (var (number, answers) in new[] { ("+33611110001", byKey), ("+33611110002", byVoice) })
            {
                var row = rows[number];
                Assert.Equal(SurveyPaths.NoWait, row.GetProperty("path").GetString());
                Assert.Equal("support", row.GetProperty("skill").GetString());
                Assert.Equal("a1", row.GetProperty("agent").GetString());
                Assert.Equal("survey-demo", row.GetProperty("flow").GetString());
                Assert.True(row.GetProperty("waitedSeconds").GetDouble() < 20);
                Assert.True((answers.Q1, answers.Q2) == (row.GetProperty("q1").GetInt32(), row.GetProperty("q2").GetInt32()),
                    $"{number}: stored {row}, answered {answers}\nengine:\n{engine.Log}");
            }

            var report = await Http.GetFromJsonAsync<JsonElement>(engine.HttpBase + "/api/reports/satisfaction?days=1");
            output.WriteLine(report.ToString());
            var given = new[] { byKey, byVoice };
            var path = Assert.Single(report.GetProperty("paths").EnumerateArray());
            Assert.Equal(SurveyPaths.NoWait, path.GetProperty("name").GetString());
            Assert.Equal(given.Length, path.GetProperty("offered").GetInt32());
            Assert.Equal(given.Length, path.GetProperty("answered").GetInt32());
            Assert.Equal(1.0, path.GetProperty("responseRate").GetDouble());
            Assert.Equal(Math.Round(given.Average(a => a.Q1), 3), path.GetProperty("mean").GetDouble());
            Assert.Equal(given.Count(a => a.Q1 == 5), path.GetProperty("verySatisfied").GetInt32());
            Assert.Equal(Math.Round(given.Count(a => a.Q1 == 5) / (double)given.Length, 4), path.GetProperty("verySatisfiedShare").GetDouble());
            Assert.Equal(Math.Round(given.Average(a => a.Q2), 3), path.GetProperty("q2Mean").GetDouble());
            var skill = Assert.Single(report.GetProperty("skills").EnumerateArray());
            Assert.Equal(("support", given.Length), (skill.GetProperty("name").GetString(), skill.GetProperty("offered").GetInt32()));
            Assert.Contains("hung up first: the caller's flow goes on", engine.Log, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static readonly string[] Words = ["", "one", "two", "three", "four", "five"];

    private static string Ms(TimeSpan t) => ((int)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>The voice caller's audio: silence until <see cref="FirstAnswerAt"/>, the first word, a pause, the second, then silence.</summary>
    private static async Task<string> VoiceStreamAsync(string folder, string first, string second)
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = Path.Combine(folder, "tts") });
        var one = await SpeechTestAudio.SpeakAsync(synthesizer, first, "en-us");
        var two = await SpeechTestAudio.SpeakAsync(synthesizer, second, "en-us");
        var pcm = new List<short>();
        pcm.AddRange(new short[(int)(FirstAnswerAt.TotalSeconds * 8000)]);
        pcm.AddRange(one);
        pcm.AddRange(new short[(int)(SecondAnswerAfter.TotalSeconds * 8000)]);
        pcm.AddRange(two);
        pcm.AddRange(new short[30 * 8000]);
        // A faint line noise, as the speech tests send (the recogniser expects a live line, not digital silence).
        var noise = new Random(7);
        var samples = pcm.Select(s => (short)Math.Clamp(s + noise.Next(-30, 31), short.MinValue, short.MaxValue)).ToArray();
        var ulaw = new byte[samples.Length];
        G711.Encode(AudioCodec.Pcmu, samples, ulaw);
        var path = Path.Combine(folder, "voice.ulaw");
        await File.WriteAllBytesAsync(path, ulaw);
        return path;
    }

    /// <summary>A caller that calls, does <paramref name="actions"/> after the ACK, then waits for the engine's BYE at the flow's end.</summary>
    private static string WriteScenario(string folder, string name, string from, string media, string actions)
    {
        var path = Path.Combine(folder, name + ".xml");
        File.WriteAllText(path, $$"""
            <?xml version="1.0" encoding="ISO-8859-1" ?>
            <!DOCTYPE scenario SYSTEM "sipp.dtd">
            <scenario name="Ivr UAC: {{name}}">
              <send retrans="500">
                <![CDATA[
                  INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: <sip:{{from}}@[local_ip]:[local_port]>;tag=[pid]IvrSv[call_number]
                  To: <sip:[service]@[remote_ip]:[remote_port]>
                  Call-ID: [call_id]
                  CSeq: 1 INVITE
                  Contact: sip:{{from}}@[local_ip]:[local_port]
                  Max-Forwards: 70
                  Content-Type: application/sdp
                  Content-Length: [len]

                  v=0
                  o=user1 1 1 IN IP4 127.0.0.1
                  s=-
                  c=IN IP4 127.0.0.1
                  t=0 0
                  {{media}}
                  a=ptime:20
                ]]>
              </send>
              <recv response="100" optional="true"/>
              <recv response="180" optional="true"/>
              <recv response="200" rtd="true"/>
              <send>
                <![CDATA[
                  ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: <sip:{{from}}@[local_ip]:[local_port]>;tag=[pid]IvrSv[call_number]
                  To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
                  Call-ID: [call_id]
                  CSeq: 1 ACK
                  Contact: sip:{{from}}@[local_ip]:[local_port]
                  Max-Forwards: 70
                  Content-Length: 0
                ]]>
              </send>
            {{actions}}
              <recv request="BYE" timeout="90000"/>
              <send>
                <![CDATA[
                  SIP/2.0 200 OK
                  [last_Via:]
                  [last_From:]
                  [last_To:]
                  [last_Call-ID:]
                  [last_CSeq:]
                  Contact: sip:{{from}}@[local_ip]:[local_port]
                  Content-Length: 0
                ]]>
              </send>
            </scenario>
            """);
        return path;
    }
}
