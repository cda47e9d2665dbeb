;; The Brownian tree's float32 arithmetic (brownianTree.ts) in WebAssembly SIMD, four values a turn: a node's
;; children from its increment w and its noise z, left = f(f(f(a·w)·b) + f(s·z)) and right = f(w − left),
;; and the sum of the increments that tile a query. Every operation is an IEEE float32 one, as torch's; the
;; JavaScript before it rounded each double result to float32 once, which for +, − and × of float32 values
;; is the same float32, so the values are the same bits (bridgeKernel.test.ts checks them).
;;
;; Arrays are float32 at byte offsets into this memory; a pass covers whole 16-byte blocks, so a length
;; that is not a multiple of four computes a few values past its end, which the caller never reads.
(module
  (memory (export "memory") 1)

  (func (export "bridge")
    (param $w i32) (param $z i32) (param $left i32) (param $right i32) (param $bytes i32)
    (param $a f32) (param $b f32) (param $s f32)
    (local $i i32) (local $A v128) (local $B v128) (local $S v128) (local $wi v128) (local $l v128)
    (local.set $A (f32x4.splat (local.get $a)))
    (local.set $B (f32x4.splat (local.get $b)))
    (local.set $S (f32x4.splat (local.get $s)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $wi (v128.load (i32.add (local.get $w) (local.get $i))))
        (local.set $l (f32x4.add
          (f32x4.mul (f32x4.mul (local.get $A) (local.get $wi)) (local.get $B))
          (f32x4.mul (local.get $S) (v128.load (i32.add (local.get $z) (local.get $i))))))
        (v128.store (i32.add (local.get $left) (local.get $i)) (local.get $l))
        (v128.store (i32.add (local.get $right) (local.get $i)) (f32x4.sub (local.get $wi) (local.get $l)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad))))

  ;; into += from, in float32.
  (func (export "add") (param $into i32) (param $from i32) (param $bytes i32)
    (local $i i32) (local $at i32)
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $at (i32.add (local.get $into) (local.get $i)))
        (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at))
          (v128.load (i32.add (local.get $from) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad))))
)
