// RelaisQuality: raw getStats() output (array or id-keyed object) linked into streams.

/// getStats() entries of the types Relais links, kept between reports with their capacity.
struct BrowserScratch {
    var rtp: [StatsEntry] = []
    var remote: [StatsEntry] = []
    var codecs: [StatsEntry] = []
    var pairs: [StatsEntry] = []
    var transports: [StatsEntry] = []
    var sources: [StatsEntry] = []

    init() {
        rtp.reserveCapacity(16)
        remote.reserveCapacity(16)
        codecs.reserveCapacity(16)
        pairs.reserveCapacity(8)
        transports.reserveCapacity(4)
        sources.reserveCapacity(8)
    }

    mutating func clear() {
        rtp.removeAll(keepingCapacity: true)
        remote.removeAll(keepingCapacity: true)
        codecs.removeAll(keepingCapacity: true)
        pairs.removeAll(keepingCapacity: true)
        transports.removeAll(keepingCapacity: true)
        sources.removeAll(keepingCapacity: true)
    }

    /// Files an entry by its `type`; types Relais does not use (certificates, candidates,
    /// media-playout, peer-connection…) are dropped here, after validation.
    mutating func file(_ entry: StatsEntry, maxStreams: Int) throws(StatsDecodeError) {
        switch entry.type {
        case .inboundRtp?, .outboundRtp?:
            guard rtp.count < maxStreams else { throw .tooManyStreams }
            rtp.append(entry)
        case .remoteInboundRtp?, .remoteOutboundRtp?:
            if remote.count < maxStreams { remote.append(entry) }
        case .codecEntry?: if codecs.count < 64 { codecs.append(entry) }
        case .candidatePair?: if pairs.count < 64 { pairs.append(entry) }
        case .transport?: if transports.count < 8 { transports.append(entry) }
        case .mediaSource?: if sources.count < maxStreams { sources.append(entry) }
        default: break
        }
    }
}

extension StatsDecoder {
    mutating func decodeBrowserArray(_ s: inout JSONScanner, into report: inout StatsReport) throws(StatsDecodeError) {
        scratch.clear()
        if try s.beginArray() {
            repeat {
                var entry = StatsEntry()
                try entry.readObject(&s)
                try scratch.file(entry, maxStreams: limits.maxStreams)
            } while try s.nextElement()
        }
        try link(into: &report)
    }

    mutating func decodeBrowserMap(firstKey: JSONString, _ s: inout JSONScanner, into report: inout StatsReport)
        throws(StatsDecodeError)
    {
        scratch.clear()
        _ = firstKey  // the member name repeats the entry's `id`
        while true {
            var entry = StatsEntry()
            try entry.readObject(&s)
            try scratch.file(entry, maxStreams: limits.maxStreams)
            guard try s.nextMember() else { break }
            _ = try s.readKey()
        }
        try link(into: &report)
    }

    /// Joins each inbound/outbound-rtp entry with its codec, its remote counterpart (RTT and the
    /// far end's loss view) and, for outbound video, its media source (the expected size and
    /// frame rate); picks the selected candidate pair for the transport RTT.
    private func link(into report: inout StatsReport) throws(StatsDecodeError) {
        var newest: Double?
        for entry in scratch.rtp {
            var stream = entry.stats
            guard let kind = entry.kind else { continue }  // an rtp entry without kind is useless
            stream.kind = kind
            stream.direction = entry.type == .inboundRtp ? .inbound : .outbound
            stream.idHash = entry.idHash
            stream.codecIdentity = entry.codecIdHash ^ entry.implementationHash
            if let codec = scratch.codecs.first(where: { $0.idHash == entry.codecIdHash && entry.codecIdHash != 0 }) {
                stream.codec = codec.codec
                stream.fec = codec.fec
            }
            if let remote = scratch.remote.first(where: {
                ($0.idHash == entry.remoteIdHash && entry.remoteIdHash != 0) || $0.localIdHash == entry.idHash
            }) {
                // (No array literals here: they allocate, and this runs for every report.)
                stream.copy(.roundTripTime, from: remote.stats)
                stream.copy(.totalRoundTripTime, from: remote.stats)
                stream.copy(.roundTripTimeMeasurements, from: remote.stats)
                if stream.direction == .outbound {
                    // The far end's view of what we send (remote-inbound-rtp).
                    stream.copy(.fractionLost, from: remote.stats)
                    stream.copy(.packetsLost, from: remote.stats)
                    stream.copy(.jitter, from: remote.stats)
                }
            }
            if stream.direction == .outbound, kind == .video,
                let source = scratch.sources.first(where: { $0.idHash == entry.mediaSourceIdHash && entry.mediaSourceIdHash != 0 })
            {
                if let w = source.stats[.width] { stream[.expectedWidth] = w }
                if let h = source.stats[.height] { stream[.expectedHeight] = h }
                if let f = source.stats[.framesPerSecond] { stream[.expectedFps] = f }
            }
            if let t = stream[.timestamp] { newest = max(newest ?? t, t) }
            try append(stream, to: &report)
        }
        report.timestampMs = newest
        if let pair = selectedPair() {
            report.transportRoundTripTime = pair.stats[.currentRoundTripTime]
            report.transportBytesReceived = pair.stats[.bytesReceived]
            report.connectionFailed = pair.failedState
        }
        if scratch.transports.contains(where: { $0.failedState }) { report.connectionFailed = true }
    }

    /// The transport's `selectedCandidatePairId` (Chromium), else a pair marked `selected`
    /// (Firefox), else a nominated pair in state `succeeded`.
    private func selectedPair() -> StatsEntry? {
        for t in scratch.transports where t.selectedPairIdHash != 0 {
            if let p = scratch.pairs.first(where: { $0.idHash == t.selectedPairIdHash }) { return p }
        }
        return scratch.pairs.first(where: { $0.selected })
            ?? scratch.pairs.first(where: { $0.nominated && $0.succeeded })
    }
}
