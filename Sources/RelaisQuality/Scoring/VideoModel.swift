// RelaisQuality: the provisional video score (reference §3, §8.1 step 5).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The provisional video MOS: bits per pixel per frame (rtcscore regression), a frame-rate
/// penalty, a G.1070-style loss decay and frozen time scored as 1.
///
/// "Provisional" is meant: no cheap standard video MOS exists for WebRTC (reference §0.5); the
/// constants need calibration on talking-head content, and ``QualityMethod/name`` changes when
/// they do. Sizes are the **expected** (sender source) size, so a downscaled stream is not
/// rewarded for its few pixels (reference §9, "low-resolution reward").
public enum VideoModel {
    public struct Result: Sendable, Equatable {
        /// Bits per pixel per frame.
        public var bitsPerPixelPerFrame: Double
        /// Quality from bits per pixel alone.
        public var q0: Double
        /// After the frame-rate penalty.
        public var q1: Double
        /// After the loss decay.
        public var q2: Double
        /// Final MOS (frozen time weighted in).
        public var mos: Double
    }

    /// - Parameters:
    ///   - bitrateBps: received bitrate, bit/s.
    ///   - expectedWidth/expectedHeight: the sender's source size, pixels.
    ///   - fps: received (decoded) frame rate.
    ///   - expectedFps: the sender's frame rate.
    ///   - lossPct: packet loss, percent.
    ///   - freezeFraction: ΔtotalFreezesDuration / Δt, 0…1.
    public static func score(bitrateBps: Double, expectedWidth: Double, expectedHeight: Double, fps: Double,
                             expectedFps: Double, lossPct: Double, freezeFraction: Double) -> Result
    {
        let fpsSafe = max(fps, 1e-9)
        let pixels = max(expectedWidth * expectedHeight, 1)
        let bpppf = max(bitrateBps, 0) / (pixels * fpsSafe)
        // ln(0) is -inf: a stream with no bits scores the floor, not NaN.
        let q0 = clamp(QualityMethod.videoBitsPerPixelSlope * log(max(bpppf, 1e-12))
                       + QualityMethod.videoBitsPerPixelOffset)
        let q1 = clamp(q0 - QualityMethod.videoFramerateSlope * log(max(1, expectedFps / fpsSafe)))
        let q2 = 1 + (q1 - 1) * exp(-max(0, lossPct) / QualityMethod.videoLossDecay)
        let f = min(1, max(0, freezeFraction))
        let mos = f * 1 + (1 - f) * q2
        return Result(bitsPerPixelPerFrame: bpppf, q0: q0, q1: q1, q2: q2, mos: mos)
    }

    @inline(__always)
    static func clamp(_ v: Double) -> Double { min(4.5, max(1, v)) }
}
