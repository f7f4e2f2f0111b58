// RelaisQuality: closing a participant's window: worst stream, LOST detection, level.

extension ParticipantState {
    /// Closes the open window and any empty windows up to (not including) `window`; what the
    /// closed window contributes goes straight into `visit` and `fleet` (the shard's sketches).
    /// Returns whether the level changed.
    func advance(to window: Int64, visit: VisitState, fleet: inout QualitySketches) -> Bool {
        guard window > openWindow else { return false }
        let closing = openWindow
        var changed = closeWindow(visit: visit, fleet: &fleet)
        // Windows skipped entirely (no report, no tick) count towards staleness.
        let skipped = window - closing - 1
        if skipped > 0 {
            windowsWithoutReport += Int(min(skipped, 1_000))
            if hasScored, windowsWithoutReport >= QualityMethod.staleWindowsForLost {
                changed = level.update(.lost) || changed
                quality.level = level.level
            }
        }
        openWindow = window
        return changed
    }

    private func closeWindow(visit: VisitState, fleet: inout QualitySketches) -> Bool {
        var scores = WindowScores()
        // Streams scored in place through a buffer pointer, one access to `self.streams` that
        // nothing else touches meanwhile (see `apply`): moving the array out and back for the
        // loop cost a retain, a release and a uniqueness check per window.
        streams.withUnsafeMutableBufferPointer { streams in
            for i in streams.indices {
                let fallback = fallbackRtt[streams[i].peer]
                // Only inbound video without stated expectations reads the sender's (a hashed lookup).
                let expectation = streams[i].kind == .video && streams[i].direction == .inbound
                    && streams[i].statedExpected == nil ? visit.expectations[streams[i].expectationKey] : nil
                streams[i].closeWindow(fallbackRttSeconds: fallback, expectation: expectation, into: &scores)
            }
        }
        windowsWithoutReport = reportsInWindow == 0 ? windowsWithoutReport + 1 : 0
        var candidate: QualityLevel?
        if failedInWindow {
            candidate = .lost
        } else if let worst = scores.mos {
            candidate = QualityLevel(mos: worst)
        } else if hasScored, reportsInWindow > 0, transportGrew == false {
            // Reports arrive but nothing at all arrives on the wire, not even RTCP: media is gone.
            candidate = .lost
        } else if hasScored, windowsWithoutReport >= QualityMethod.staleWindowsForLost {
            candidate = .lost
        }
        reportsInWindow = 0
        failedInWindow = false
        transportGrew = nil
        guard let candidate else { return false }
        let changed = level.update(candidate)
        quality.level = level.level
        if let worst = scores.mos {
            hasScored = true
            quality.mos = worst
            quality.limitedBy = scores.limitedBy
            quality.audio = scores.audio
            quality.video = scores.video
        }
        visit.fold(ParticipantWindow(level: level.level, mos: scores.mos, rttMs: scores.rttMs, jitterMs: scores.jitterMs,
                                     lossPct: scores.lossPct, lostPackets: scores.lostPackets,
                                     expectedPackets: scores.expectedPackets),
                   window: openWindow, fleet: &fleet)
        return changed
    }
}
