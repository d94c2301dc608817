; scanjit_alloc / scanjit_free and their pool (see __init__.py, which fills in
; the placeholders with string.Template: the pool's sizes).

@pool = internal global [${POOL_SLOTS} x ptr] zeroinitializer
@pooled_bytes = internal global i64 0
@poison_freed = internal global i64 0

declare ptr @aligned_alloc(i64, i64)
declare void @free(ptr)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare i32 @madvise(ptr, i64, i32)

; More than ${MAX_BYTES} bytes: null, as malloc failing. A compiled function
; checks its buffer after allocating it, so a byte count that wrapped comes
; here; over that limit the header's arithmetic below could wrap too.
define ptr @scanjit_alloc(i64 %bytes) {
entry:
  %too_large = icmp ugt i64 %bytes, ${MAX_BYTES}
  br i1 %too_large, label %out_of_memory, label %sized
sized:
  %poolable = icmp uge i64 %bytes, ${POOL_MIN}
  br i1 %poolable, label %search, label %fresh
search:
  %i = phi i64 [0, %sized], [%i.next, %next]
  %slot = getelementptr [${POOL_SLOTS} x ptr], ptr @pool, i64 0, i64 %i
  %block = atomicrmw xchg ptr %slot, ptr null seq_cst
  %found = icmp ne ptr %block, null
  br i1 %found, label %check, label %next
check:
  %capacity = load i64, ptr %block
  %twice = shl i64 %bytes, 1
  %fits = icmp uge i64 %capacity, %bytes
  %not_wasteful = icmp ule i64 %capacity, %twice
  %take = and i1 %fits, %not_wasteful
  br i1 %take, label %taken, label %give_back
taken:
  %unused = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  %reused = getelementptr i8, ptr %block, i64 64
  ret ptr %reused
give_back:
  %swap = cmpxchg ptr %slot, ptr null, ptr %block seq_cst seq_cst
  %back = extractvalue { ptr, i1 } %swap, 1
  br i1 %back, label %next, label %drop
drop:
  %unused2 = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  call void @free(ptr %block)
  br label %next
next:
  %i.next = add i64 %i, 1
  %more = icmp ult i64 %i.next, ${POOL_SLOTS}
  br i1 %more, label %search, label %fresh
fresh:
  %large = icmp uge i64 %bytes, ${HUGE}
  %align = select i1 %large, i64 2097152, i64 64
  %mask = sub i64 0, %align
  %padded = add i64 %bytes, 63
  %with_header = add i64 %padded, %align
  %total = and i64 %with_header, %mask
  %new = call ptr @aligned_alloc(i64 %align, i64 %total)
  %failed = icmp eq ptr %new, null
  br i1 %failed, label %out_of_memory, label %record
out_of_memory:
  ret ptr null
record:
  %new_capacity = sub i64 %total, 64
  store i64 %new_capacity, ptr %new
  br i1 %large, label %advise, label %done
advise:
  %ignored = call i32 @madvise(ptr %new, i64 %total, i32 14)
  br label %done
done:
  %user = getelementptr i8, ptr %new, i64 64
  ret ptr %user
}

define i64 @scanjit_release_pool() {
entry:
  br label %slot
slot:
  %i = phi i64 [0, %entry], [%i.next, %next]
  %released = phi i64 [0, %entry], [%sum, %next]
  %address = getelementptr [${POOL_SLOTS} x ptr], ptr @pool, i64 0, i64 %i
  %block = atomicrmw xchg ptr %address, ptr null seq_cst
  %found = icmp ne ptr %block, null
  br i1 %found, label %release, label %next
release:
  %capacity = load i64, ptr %block
  %unused = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  call void @free(ptr %block)
  br label %next
next:
  %freed = phi i64 [0, %slot], [%capacity, %release]
  %sum = add i64 %released, %freed
  %i.next = add i64 %i, 1
  %more = icmp ult i64 %i.next, ${POOL_SLOTS}
  br i1 %more, label %slot, label %done
done:
  ret i64 %sum
}

; For testing (SCANJIT_POISON_FREED=1): freed blocks are filled with 0xFF
; bytes (NaN as floats), so that a read after free gives NaN, not old values.
define void @scanjit_set_poison_freed(i64 %on) {
  store atomic i64 %on, ptr @poison_freed monotonic, align 8
  ret void
}

define void @scanjit_free(ptr %user) {
entry:
  %null = icmp eq ptr %user, null
  br i1 %null, label %done, label %header
header:
  %block = getelementptr i8, ptr %user, i64 -64
  %capacity = load i64, ptr %block
  %poison = load atomic i64, ptr @poison_freed monotonic, align 8
  %poisoning = icmp ne i64 %poison, 0
  br i1 %poisoning, label %fill, label %keep
fill:
  call void @llvm.memset.p0.i64(ptr %user, i8 -1, i64 %capacity, i1 false)
  br label %keep
keep:
  %poolable = icmp uge i64 %capacity, ${POOL_MIN}
  br i1 %poolable, label %count, label %release
count:
  %before = atomicrmw add ptr @pooled_bytes, i64 %capacity seq_cst
  %after = add i64 %before, %capacity
  %room = icmp ule i64 %after, ${POOL_BYTES}
  br i1 %room, label %offer, label %uncount
offer:
  %i = phi i64 [0, %count], [%i.next, %taken]
  %slot = getelementptr [${POOL_SLOTS} x ptr], ptr @pool, i64 0, i64 %i
  %swap = cmpxchg ptr %slot, ptr null, ptr %block seq_cst seq_cst
  %stored = extractvalue { ptr, i1 } %swap, 1
  br i1 %stored, label %done, label %taken
taken:
  %i.next = add i64 %i, 1
  %more = icmp ult i64 %i.next, ${POOL_SLOTS}
  br i1 %more, label %offer, label %uncount
uncount:
  %unused = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  br label %release
release:
  call void @free(ptr %block)
  br label %done
done:
  ret void
}
