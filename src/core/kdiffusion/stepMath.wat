;; The k-diffusion samplers' elementwise passes over float32 arrays (stepMath.ts) in WebAssembly SIMD, four
;; values a turn as two float64 pairs: each value promoted to float64, each expression evaluated in float64
;; in the JavaScript's order and rounded to float32 where the JavaScript rounded it (no fused multiply-add
;; in either), so the same bits as the loops they replace (stepMathKernel.test.ts checks them).
;;
;; Arrays are float32 at byte offsets into this memory; a pass covers whole 16-byte blocks, so a length that
;; is not a multiple of four computes a few values past its end, which the caller never reads.
(module
  (memory (export "memory") 1)

  ;; out[j] = f32(0 + c₀·a₀[j] + c₁·a₁[j] + …): coefficient k as a float64 pair at byte 16·k (splatted by
  ;; the caller: a load and a splat per term and value quad had taken half the pass), array k at
  ;; $arrays + k·$bytes.
  (func (export "lincomb") (param $count i32) (param $arrays i32) (param $out i32) (param $bytes i32)
    (local $i i32) (local $k i32) (local $at i32) (local $ck i32)
    (local $lo v128) (local $hi v128) (local $v v128) (local $c v128)
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $lo (v128.const f64x2 0 0))
        (local.set $hi (v128.const f64x2 0 0))
        (local.set $k (local.get $count))
        (local.set $ck (i32.const 0))
        (local.set $at (i32.add (local.get $arrays) (local.get $i)))
        (block $summed
          (loop $term
            (br_if $summed (i32.eqz (local.get $k)))
            (local.set $c (v128.load (local.get $ck)))
            (local.set $v (v128.load (local.get $at)))
            (local.set $lo (f64x2.add (local.get $lo)
              (f64x2.mul (local.get $c) (f64x2.promote_low_f32x4 (local.get $v)))))
            (local.set $hi (f64x2.add (local.get $hi)
              (f64x2.mul (local.get $c) (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
            (local.set $at (i32.add (local.get $at) (local.get $bytes)))
            (local.set $ck (i32.add (local.get $ck) (i32.const 16)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $term)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $lo))
            (f32x4.demote_f64x2_zero (local.get $hi))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad))))

  ;; Euler ancestral (stepMath.ts eulerAncestralStep): d = f(0 + a·x + b·x̂0), moved = f(0 + x + h·d), and
  ;; with noise (flag $noisy) out = f(0 + moved + c·z), else moved (f: rounding to float32). Each expression is
  ;; written out for the low and the high pair ($..l, $..h; $w: the upper two values of $v moved down), with
  ;; no helper functions: calls to them were not inlined, and the pass ran at a third of the speed.
  (func (export "eulerAncestral")
    (param $x i32) (param $x0 i32) (param $z i32) (param $out i32) (param $bytes i32)
    (param $a f64) (param $b f64) (param $h f64) (param $c f64) (param $noisy i32)
    (local $i i32) (local $v v128) (local $w v128) (local $m v128)
    (local $xl v128) (local $xh v128) (local $ul v128) (local $uh v128)
    (local $A v128) (local $B v128) (local $H v128) (local $C v128)
    (local.set $A (f64x2.splat (local.get $a)))
    (local.set $B (f64x2.splat (local.get $b)))
    (local.set $H (f64x2.splat (local.get $h)))
    (local.set $C (f64x2.splat (local.get $c)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        ;; x in float64 pairs; u = 0 + a·x + b·x̂0, then d = f(u) back in pairs.
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $w (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
        (local.set $xl (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $xh (f64x2.promote_low_f32x4 (local.get $w)))
        (local.set $v (v128.load (i32.add (local.get $x0) (local.get $i))))
        (local.set $w (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
        (local.set $ul (f64x2.mul (local.get $B) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $uh (f64x2.mul (local.get $B) (f64x2.promote_low_f32x4 (local.get $w))))
        (local.set $ul (f64x2.add (f64x2.add (v128.const f64x2 0 0) (f64x2.mul (local.get $A) (local.get $xl)))
          (local.get $ul)))
        (local.set $uh (f64x2.add (f64x2.add (v128.const f64x2 0 0) (f64x2.mul (local.get $A) (local.get $xh)))
          (local.get $uh)))
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $ul))
            (f32x4.demote_f64x2_zero (local.get $uh))))
        (local.set $w (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
        ;; moved = f(0 + x + h·d)
        (local.set $ul (f64x2.mul (local.get $H) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $uh (f64x2.mul (local.get $H) (f64x2.promote_low_f32x4 (local.get $w))))
        (local.set $ul (f64x2.add (f64x2.add (v128.const f64x2 0 0) (local.get $xl)) (local.get $ul)))
        (local.set $uh (f64x2.add (f64x2.add (v128.const f64x2 0 0) (local.get $xh)) (local.get $uh)))
        (local.set $m (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $ul))
            (f32x4.demote_f64x2_zero (local.get $uh))))
        (if (local.get $noisy)
          (then
            ;; f(0 + moved + c·z)
            (local.set $v (v128.load (i32.add (local.get $z) (local.get $i))))
            (local.set $w (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
            (local.set $ul (f64x2.mul (local.get $C) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $uh (f64x2.mul (local.get $C) (f64x2.promote_low_f32x4 (local.get $w))))
            (local.set $ul (f64x2.add (f64x2.add (v128.const f64x2 0 0) (f64x2.promote_low_f32x4 (local.get $m)))
              (local.get $ul)))
            (local.set $m (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m)))
            (local.set $uh (f64x2.add (f64x2.add (v128.const f64x2 0 0) (f64x2.promote_low_f32x4 (local.get $m)))
              (local.get $uh)))
            (local.set $m (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $ul))
                (f32x4.demote_f64x2_zero (local.get $uh))))))
        (v128.store (i32.add (local.get $out) (local.get $i)) (local.get $m))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad))))
)
