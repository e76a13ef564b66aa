namespace Ivr.Engine.Speech;

/// <summary>
/// Energy-based voice activity detector over PCM16 frames: an adaptive noise floor (falls at once, rises slowly),
/// onset when a few consecutive frames are well above it, end after a run of quiet frames. Independent of the decoder,
/// so barge-in fires within a couple of frames of the onset.
/// </summary>
public sealed class EnergyVoiceActivityDetector
{
    private const double SilenceDbfs = -90;
    private const double FloorRise = 0.02; // per frame: the floor follows rising noise over about a second
    private readonly VadOptions _options;
    private readonly TimeSpan _endSilence;
    private double _floorDb = -70;
    private int _loudFrames;
    private TimeSpan _quiet;

    /// <summary>Creates a detector that ends speech after <paramref name="endSilence"/> of quiet.</summary>
    public EnergyVoiceActivityDetector(VadOptions options, TimeSpan endSilence)
    {
        _options = options;
        _endSilence = endSilence;
    }

    /// <summary>True between onset and end of speech.</summary>
    public bool InSpeech { get; private set; }

    /// <summary>Quiet time since the last loud frame while in speech (zero right after a loud frame).</summary>
    public TimeSpan QuietDuration => _quiet;

    /// <summary>The tracked noise floor in dBFS.</summary>
    public double NoiseFloorDb => _floorDb;

    /// <summary>Frame energy in dBFS (mean square relative to full scale; −90 for digital silence).</summary>
    public static double EnergyDbfs(ReadOnlySpan<short> frame)
    {
        if (frame.IsEmpty)
        {
            return SilenceDbfs;
        }

        double sum = 0;
        foreach (var s in frame)
        {
            sum += (double)s * s;
        }

        var ms = sum / frame.Length / (32768.0 * 32768.0);
        return Math.Max(SilenceDbfs, 10 * Math.Log10(ms + 1e-12));
    }

    /// <summary>Classifies one frame of <paramref name="duration"/>; returns +1 on onset, −1 on end of speech, 0 otherwise.</summary>
    public int Process(ReadOnlySpan<short> frame, TimeSpan duration)
    {
        var db = EnergyDbfs(frame);
        if (!InSpeech)
        {
            var onset = Math.Max(_floorDb + _options.OnsetAboveFloorDb, _options.MinOnsetDbfs);
            if (db > onset)
            {
                if (++_loudFrames >= _options.OnsetFrames)
                {
                    InSpeech = true;
                    _quiet = TimeSpan.Zero;
                    _loudFrames = 0;
                    return 1;
                }

                return 0;
            }

            _loudFrames = 0;
            _floorDb = db < _floorDb ? db : _floorDb + FloorRise * (db - _floorDb);
            return 0;
        }

        var sustain = Math.Max(_floorDb + _options.SustainAboveFloorDb, _options.MinOnsetDbfs - 6);
        if (db > sustain)
        {
            _quiet = TimeSpan.Zero;
            return 0;
        }

        _quiet += duration;
        if (_quiet >= _endSilence)
        {
            InSpeech = false;
            _quiet = TimeSpan.Zero;
            return -1;
        }

        return 0;
    }
}
