// RelaisQuality: closing a participant's window: worst stream, LOST detection, level.

extension ParticipantState {
    /// Closes the open window and any empty windows up to (not including) `window`.
    /// Returns whether the level changed and what the closed window contributes to the visit.
    func advance(to window: Int64, visit: VisitState) -> (changed: Bool, contribution: ParticipantWindow?) {
        guard window > openWindow else { return (false, nil) }
        let closing = openWindow
        let result = closeWindow(visit: visit)
        // Windows skipped entirely (no report, no tick) count towards staleness.
        let skipped = window - closing - 1
        var changed = result.changed
        if skipped > 0 {
            windowsWithoutReport += Int(min(skipped, 1_000))
            if hasScored, windowsWithoutReport >= QualityMethod.staleWindowsForLost {
                changed = level.update(.lost) || changed
                quality.level = level.level
            }
        }
        openWindow = window
        return (changed, result.contribution)
    }

    private func closeWindow(visit: VisitState) -> (changed: Bool, contribution: ParticipantWindow?) {
        var worst: StreamScore?
        var worstAudio: AudioQuality?
        var worstVideo: VideoQuality?
        var lost = 0.0
        var expected = 0.0
        var rtt: Double?
        var jitter: Double?
        var loss: Double?
        // Moved out of the class for the loop: one property access instead of several per stream,
        // and no access to `self.streams` overlaps the loop's (see `apply`).
        var streams = self.streams
        self.streams = []
        defer { self.streams = streams }
        for i in 0..<streams.count {
            let fallback = fallbackRtt[streams[i].peer]
            // Only inbound video without stated expectations reads the sender's (a hashed lookup).
            let expectation = streams[i].kind == .video && streams[i].direction == .inbound
                && streams[i].statedExpected == nil ? visit.expectations[streams[i].expectationKey] : nil
            guard let score = streams[i].closeWindow(fallbackRttSeconds: fallback, expectation: expectation)
            else { continue }
            if score.mos < worst?.mos ?? .infinity { worst = score }
            if let a = score.audio, a.mos < worstAudio?.mos ?? .infinity { worstAudio = a }
            if let v = score.video, v.mos < worstVideo?.mos ?? .infinity { worstVideo = v }
            lost += score.lostPackets
            expected += score.expectedPackets
            if let r = score.rttMs { rtt = max(rtt ?? r, r) }
            if let j = score.jitterMs { jitter = max(jitter ?? j, j) }
            loss = max(loss ?? score.lossPct, score.lossPct)
        }
        windowsWithoutReport = reportsInWindow == 0 ? windowsWithoutReport + 1 : 0
        var candidate: QualityLevel?
        if failedInWindow {
            candidate = .lost
        } else if let worst {
            candidate = QualityLevel(mos: worst.mos)
        } else if hasScored, reportsInWindow > 0, transportGrew == false {
            // Reports arrive but nothing at all arrives on the wire, not even RTCP: media is gone.
            candidate = .lost
        } else if hasScored, windowsWithoutReport >= QualityMethod.staleWindowsForLost {
            candidate = .lost
        }
        reportsInWindow = 0
        failedInWindow = false
        transportGrew = nil
        guard let candidate else { return (false, nil) }
        let changed = level.update(candidate)
        quality.level = level.level
        if let worst {
            hasScored = true
            quality.mos = worst.mos
            quality.limitedBy = worst.limitedBy
            quality.audio = worstAudio
            quality.video = worstVideo
        }
        let contribution = ParticipantWindow(level: level.level, mos: worst?.mos, rttMs: rtt, jitterMs: jitter,
                                             lossPct: loss, lostPackets: lost, expectedPackets: expected)
        return (changed, contribution)
    }
}
