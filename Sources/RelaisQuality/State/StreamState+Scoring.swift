// RelaisQuality: closing a stream's window into a score.

extension StreamState {
    /// What the sender of a video stream told us about its source (from its own report).
    struct VideoExpectation {
        var width: Double
        var height: Double
        var fps: Double?
    }

    /// Scores the window into `scores` and clears it. False (nothing added) when the stream was
    /// not active in the window (no delta, or no packets at all: muted, DTX with no comfort noise,
    /// paused video); the participant then scores on its other streams.
    @discardableResult
    mutating func closeWindow(fallbackRttSeconds: Double?, expectation: VideoExpectation?,
                              into scores: inout WindowScores) -> Bool
    {
        defer { window.clear() }
        guard direction == .inbound, window.deltas > 0, window.elapsedMs > 0 else { return false }
        let received = max(0, window.packets)
        guard received > 0 else { return false }
        switch kind {
        case .audio: scoreAudio(received: received, fallbackRttSeconds: fallbackRttSeconds, into: &scores)
        case .video:
            scoreVideo(received: received, fallbackRttSeconds: fallbackRttSeconds, expectation: expectation,
                       into: &scores)
        }
        return true
    }

    private mutating func scoreAudio(received: Double, fallbackRttSeconds: Double?, into scores: inout WindowScores) {
        let dtx = received + window.lost < QualityMethod.dtxMinimumPackets
        let lossPct: Double
        if dtx {
            lossPct = lastLossPct ?? 0
        } else {
            lossPct = EModel.lossPercent(deltaReceived: received, deltaLost: window.lost)
            lastLossPct = lossPct
        }
        let jitterS = window.meanJitterSeconds ?? lastJitterSeconds ?? 0
        lastJitterSeconds = jitterS
        let rttMs = 1000 * (window.meanRttSeconds ?? fallbackRttSeconds ?? 0)
        let jbMs = window.jitterBufferEmitted > 0 ? 1000 * window.jitterBufferDelay / window.jitterBufferEmitted : nil
        let useFEC = fec || codec == .red
        let raw = EModel.score(rttMs: rttMs, jitterMs: 1000 * jitterS, lossPct: lossPct, jitterBufferMs: jbMs, fec: useFEC)
        let r = smoothed.update(raw.r)
        let mos = EModel.mos(r: r)
        let jitterBuffer = jbMs ?? 2000 * jitterS
        if scores.add(mos: mos, lostPackets: dtx ? 0 : window.lost, expectedPackets: dtx ? 0 : received + window.lost,
                      rttMs: rttMs, jitterMs: 1000 * jitterS, lossPct: lossPct)
        {
            scores.limitedBy = LimitingFactor.audio(raw, jitterBufferMs: jitterBuffer)
        }
        if mos < scores.audio?.mos ?? .infinity {
            scores.audio = AudioQuality(mos: mos, r: r, lossPct: lossPct, rttMs: rttMs, jitterMs: 1000 * jitterS,
                                        jitterBufferMs: jitterBuffer, dtx: dtx)
        }
    }

    private mutating func scoreVideo(received: Double, fallbackRttSeconds: Double?, expectation: VideoExpectation?,
                                     into scores: inout WindowScores)
    {
        let seconds = window.elapsedMs / 1000
        let bitrate = 8 * max(0, window.bytes) / seconds
        let fps = window.hasFramesDecoded ? max(0, window.framesDecoded) / seconds : (window.fpsGauge ?? 0)
        // Expected size: what the sender stated (compact fields or its media-source), else the
        // largest size this stream has delivered. Expected fps likewise, else the best seen.
        let expW = statedExpected?.width ?? expectation?.width ?? maxSeenWidth
        let expH = statedExpected?.height ?? expectation?.height ?? maxSeenHeight
        var expFps = statedExpected?.fps ?? expectation?.fps ?? maxSeenFps
        if expFps <= 0 { expFps = QualityMethod.defaultExpectedFps }
        let lossPct = EModel.lossPercent(deltaReceived: received, deltaLost: window.lost)
        let freeze = min(1, max(0, window.freezeSeconds / seconds))
        let raw = VideoModel.score(bitrateBps: bitrate, expectedWidth: expW > 0 ? expW : 640,
                                   expectedHeight: expH > 0 ? expH : 360, fps: fps, expectedFps: expFps,
                                   lossPct: lossPct, freezeFraction: freeze)
        let mos = smoothed.update(raw.mos)
        let rttMs = (window.meanRttSeconds ?? fallbackRttSeconds).map { $0 * 1000 }
        let jitterMs = window.meanJitterSeconds.map { $0 * 1000 }
        if scores.add(mos: mos, lostPackets: window.lost, expectedPackets: received + window.lost, rttMs: rttMs,
                      jitterMs: jitterMs, lossPct: lossPct)
        {
            scores.limitedBy = LimitingFactor.video(raw)
        }
        if mos < scores.video?.mos ?? .infinity {
            scores.video = VideoQuality(mos: mos, bitrateKbps: bitrate / 1000, fps: fps, freezePct: 100 * freeze,
                                        lossPct: lossPct, rttMs: rttMs, jitterMs: jitterMs)
        }
    }
}
