import SweepTensor
import SweepModels
import Foundation
import Dispatch

var rng = SystemRandomNumberGenerator()
var sd = StateDict()
for (k, s) in ResNet50Layout.parameterShapes {
  let n = s.reduce(1, *)
  var v = [Float](repeating: 0, count: n)
  if k.hasSuffix("running_var") { for i in 0..<n { v[i] = Float.random(in: 0.5...1.5, using: &rng) } }
  else if k.hasSuffix("bn3.weight") { for i in 0..<n { v[i] = 0.1 } }
  else if k.hasSuffix(".weight") && s.count == 4 { let fan = Float(s[1]*s[2]*s[3]); for i in 0..<n { v[i] = Float.random(in: -1...1, using: &rng) * (6/fan).squareRoot() } }
  else { for i in 0..<n { v[i] = Float.random(in: -0.1...0.1, using: &rng) } }
  sd[k] = Tensor(shape: s, data: v)
}
let net = try ResNet50(weights: sd, file: "random")
let args = CommandLine.arguments
let batch = args.count > 1 ? Int(args[1])! : 16
let mode = args.count > 2 ? args[2] : "blas2"
let input = FloatBuffer(count: batch * 224 * 224 * 3)
for i in 0..<input.count { input.pointer[i] = Float.random(in: -2...2, using: &rng) }
let feats = FloatBuffer(count: batch * 2048)
if mode == "layers1" {} else if mode == "blas2" {
  BLAS.setThreads(2)
  let ws = ResNet50.Workspace(n: batch)
  net.forward(input.pointer, workspace: ws, features: feats.pointer, threads: 2)
  let prof = Profiler(), kp = Profiler()
  let t0 = monotonicSeconds()
  let reps = max(1, 64 / batch)
  for _ in 0..<reps { net.forward(input.pointer, workspace: ws, features: feats.pointer, threads: 2, profiler: prof, kernelProfiler: kp) }
  let dt = monotonicSeconds() - t0
  print("blas2 batch \(batch): \(Double(reps*batch)/dt) img/s")
  var stage: [String: Double] = [:]
  for k in prof.order { let s = k.split(separator: " ").dropFirst().joined(separator: " "); stage[(k.split(separator: " ").first.map(String.init) ?? k) + " " + s, default: 0] += prof.seconds[k]! }
  for k in prof.order { print(k, String(format: "%.1f%%", 100*prof.seconds[k]!/dt)) }
  for k in kp.order { print(k, String(format: "%.1f%%", 100*kp.seconds[k]!/dt)) }
} else {
  BLAS.setThreads(1)
  let half = batch / 2
  let ws0 = ResNet50.Workspace(n: half), ws1 = ResNet50.Workspace(n: half)
  let f1 = FloatBuffer(count: half*2048)
  let reps = max(1, 64 / batch)
  let t0 = monotonicSeconds()
  for _ in 0..<reps {
    DispatchQueue.concurrentPerform(iterations: 2) { i in
      if i == 0 { net.forward(input.pointer, workspace: ws0, features: feats.pointer, threads: 1) }
      else { net.forward(input.pointer + half*224*224*3, workspace: ws1, features: f1.pointer, threads: 1) }
    }
  }
  let dt = monotonicSeconds() - t0
  print("split batch \(batch): \(Double(reps*batch)/dt) img/s")
}
if mode == "layers1" {
  BLAS.setThreads(1)
  let ws = ResNet50.Workspace(n: batch)
  net.forward(input.pointer, workspace: ws, features: feats.pointer, threads: 1)
  let prof = Profiler()
  let t0 = monotonicSeconds()
  net.forward(input.pointer, workspace: ws, features: feats.pointer, threads: 1, profiler: prof)
  let dt = monotonicSeconds() - t0
  print("1 thread batch \(batch): \(Double(batch)/dt) img/s")
  // flops per profiler key
  var flops: [String: Double] = [:]
  var h = 56
  flops["conv1"] = Double(batch*112*112*147*64*2)
  for (i, b) in ResNet50Layout.bottlenecks.enumerated() {
    let name = ResNet50.stageName(i)
    let oh = b.conv2.stride == 2 ? h/2 : h
    flops["\(name) conv1 1x1", default: 0] += Double(batch*h*h*b.conv1.inChannels*b.conv1.outChannels*2)
    flops["\(name) conv2 3x3", default: 0] += Double(batch*oh*oh*9*b.conv2.inChannels*b.conv2.outChannels*2)
    flops["\(name) conv3 1x1", default: 0] += Double(batch*oh*oh*b.conv3.inChannels*b.conv3.outChannels*2)
    if let d = b.downsample { flops["\(name) downsample", default: 0] += Double(batch*oh*oh*d.inChannels*d.outChannels*2) }
    h = oh
  }
  for k in prof.order { print(k, String(format: "%.1f%%  %.1f GFLOP/s", 100*prof.seconds[k]!/dt, (flops[k] ?? 0)/prof.seconds[k]!/1e9)) }
}
