; The native entry of a compiled function (see pyentry.py): a METH_FASTCALL
; PyCFunction, `scanjit_call(self, args, nargs)`, whose `self` is a capsule of
; the function's spec, an array of i64 slots:
;   [0] the compiled `@main(args, results) -> i32`, [1] its number of inputs,
;   [2] of outputs, [3] of result slots, [4] 1 to return the one output alone,
;   then per input  [descr, ndim]   (ndim -1: never taken here),
;   then per output [descr, ndim, skip, itemsize].
; It takes arguments that are ndarrays of exactly the input's dtype object and
; ndim, C-contiguous and aligned; for anything else it returns NotImplemented
; (the Python caller converts the arguments and calls `@main` itself). It runs
; `@main` without the GIL, then returns the outputs as new arrays (owning the
; result buffers through a capsule that frees them), or, when a check failed,
; a bytes object: the status, then the result slots (the message's values).
; Offsets: PyObject ob_type 8; PyArrayObject data 16, nd 24, descr 56,
; flags 64 (NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED = 0x101); PyArray_Descr
; byteorder 26, type_num 28 (NumPy 1 and 2). It is linked with
; alloc.ll (`scanjit_free`).

@scanjit_PyArray_Type = external global i8
@scanjit_NotImplemented = external global i8

declare ptr @PyCapsule_GetPointer(ptr, ptr)
declare ptr @PyCapsule_New(ptr, ptr, ptr)
declare ptr @PyEval_SaveThread()
declare void @PyEval_RestoreThread(ptr)
declare void @Py_IncRef(ptr)
declare void @Py_DecRef(ptr)
declare ptr @PyList_New(i64)
declare i32 @PyList_SetItem(ptr, i64, ptr)  ; steals the item
declare ptr @PyBytes_FromStringAndSize(ptr, i64)
declare ptr @scanjit_PyArray_NewFromDescr(ptr, ptr, i32, ptr, ptr, ptr, i32, ptr)
declare i32 @scanjit_PyArray_SetBaseObject(ptr, ptr)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

define internal i64 @spec_at(ptr %spec, i64 %k) {
  %at = getelementptr i64, ptr %spec, i64 %k
  %value = load i64, ptr %at
  ret i64 %value
}

define internal i64 @field64(ptr %object, i64 %offset) {
  %at = getelementptr i8, ptr %object, i64 %offset
  %value = load i64, ptr %at
  ret i64 %value
}

define internal i64 @field32(ptr %object, i64 %offset) {
  %at = getelementptr i8, ptr %object, i64 %offset
  %value = load i32, ptr %at
  %wide = sext i32 %value to i64
  ret i64 %wide
}

; Whether `array` is an ndarray that input `k` takes as it is.
define internal i1 @takes(ptr %spec, i64 %k, ptr %array) {
entry:
  %type = call i64 @field64(ptr %array, i64 8)
  %ndarray = ptrtoint ptr @scanjit_PyArray_Type to i64
  %is_ndarray = icmp eq i64 %type, %ndarray
  br i1 %is_ndarray, label %fields, label %no
fields:
  %at = mul i64 %k, 2
  %descr_at = add i64 %at, 5
  %want_descr = call i64 @spec_at(ptr %spec, i64 %descr_at)
  %ndim_at = add i64 %at, 6
  %want_ndim = call i64 @spec_at(ptr %spec, i64 %ndim_at)
  %descr = call i64 @field64(ptr %array, i64 56)
  %ndim = call i64 @field32(ptr %array, i64 24)
  %flags = call i64 @field32(ptr %array, i64 64)
  %layout = and i64 %flags, 257
  %same_ndim = icmp eq i64 %ndim, %want_ndim
  %c_aligned = icmp eq i64 %layout, 257
  %shape_ok = and i1 %same_ndim, %c_aligned
  br i1 %shape_ok, label %dtype, label %no
dtype:
  %same_descr = icmp eq i64 %descr, %want_descr
  br i1 %same_descr, label %yes, label %equal_dtype
equal_dtype:  ; another dtype object (an unpickled array's): the same type, in native byte order
  %descr_ptr = inttoptr i64 %descr to ptr
  %want_ptr = inttoptr i64 %want_descr to ptr
  %type_num = call i64 @field32(ptr %descr_ptr, i64 28)
  %want_type_num = call i64 @field32(ptr %want_ptr, i64 28)
  %order_at = getelementptr i8, ptr %descr_ptr, i64 26
  %order = load i8, ptr %order_at
  %same_type = icmp eq i64 %type_num, %want_type_num
  %native_order = icmp eq i8 %order, 61  ; '='
  %no_order = icmp eq i8 %order, 124  ; '|' (one-byte types)
  %native = or i1 %native_order, %no_order
  %equal = and i1 %same_type, %native
  ret i1 %equal
yes:
  ret i1 true
no:
  ret i1 false
}

; Frees a result buffer when the last array over it goes (a capsule destructor).
define void @scanjit_free_capsule(ptr %capsule) {
  %pointer = call ptr @PyCapsule_GetPointer(ptr %capsule, ptr null)
  call void @scanjit_free(ptr %pointer)
  ret void
}

; Output j (its spec at `out`) as a new array from its slots at `slot`;
; null (a Python error set) if that failed, its buffer freed.
define internal ptr @wrap_output(ptr %out, ptr %slot) {
entry:
  %descr_bits = call i64 @spec_at(ptr %out, i64 0)
  %descr = inttoptr i64 %descr_bits to ptr
  %ndim = call i64 @spec_at(ptr %out, i64 1)
  %skip = call i64 @spec_at(ptr %out, i64 2)
  %itemsize = call i64 @spec_at(ptr %out, i64 3)
  call void @Py_IncRef(ptr %descr)  ; NewFromDescr steals it
  %scalar = icmp eq i64 %ndim, 0
  br i1 %scalar, label %zero_d, label %buffer
zero_d:
  %value = call ptr @scanjit_PyArray_NewFromDescr(ptr @scanjit_PyArray_Type, ptr %descr, i32 0, ptr null,
                                                  ptr null, ptr null, i32 0, ptr null)
  %no_value = icmp eq ptr %value, null
  br i1 %no_value, label %failed, label %fill
fill:
  %value_data_at = getelementptr i8, ptr %value, i64 16
  %value_data = load ptr, ptr %value_data_at
  call void @llvm.memcpy.p0.p0.i64(ptr %value_data, ptr %slot, i64 %itemsize, i1 false)
  ret ptr %value
buffer:
  %data = load ptr, ptr %slot
  %dims = getelementptr i64, ptr %slot, i64 1
  %rank = trunc i64 %ndim to i32
  %skips = icmp ne i64 %skip, 0
  br i1 %skips, label %skipping, label %make
skipping:  ; the leading `skip` rows (a scan's initial values) are not returned
  %shape = alloca i64, i64 %ndim
  %bytes = mul i64 %ndim, 8
  call void @llvm.memcpy.p0.p0.i64(ptr %shape, ptr %dims, i64 %bytes, i1 false)
  %rows = load i64, ptr %dims
  %kept = sub i64 %rows, %skip
  store i64 %kept, ptr %shape
  br label %row_size
row_size:
  %axis = phi i64 [1, %skipping], [%axis.next, %row_axis]
  %row_bytes = phi i64 [%itemsize, %skipping], [%row_bytes.next, %row_axis]
  %more_axes = icmp ult i64 %axis, %ndim
  br i1 %more_axes, label %row_axis, label %skipped
row_axis:
  %size_at = getelementptr i64, ptr %dims, i64 %axis
  %size = load i64, ptr %size_at
  %row_bytes.next = mul i64 %row_bytes, %size
  %axis.next = add i64 %axis, 1
  br label %row_size
skipped:
  %offset = mul i64 %row_bytes, %skip
  %first = getelementptr i8, ptr %data, i64 %offset
  br label %make
make:
  %sizes = phi ptr [%dims, %buffer], [%shape, %skipped]
  %start = phi ptr [%data, %buffer], [%first, %skipped]
  %array = call ptr @scanjit_PyArray_NewFromDescr(ptr @scanjit_PyArray_Type, ptr %descr, i32 %rank, ptr %sizes,
                                                  ptr null, ptr %start, i32 1281, ptr null)
  %no_array = icmp eq ptr %array, null
  br i1 %no_array, label %free_buffer, label %own
free_buffer:
  call void @scanjit_free(ptr %data)
  br label %failed
own:
  %owner = call ptr @PyCapsule_New(ptr %data, ptr null, ptr @scanjit_free_capsule)
  %no_owner = icmp eq ptr %owner, null
  br i1 %no_owner, label %drop_array, label %set_base
drop_array:
  call void @Py_DecRef(ptr %array)
  br label %free_buffer
set_base:  ; steals %owner, also when it fails (the capsule then frees the buffer)
  %status = call i32 @scanjit_PyArray_SetBaseObject(ptr %array, ptr %owner)
  %set = icmp eq i32 %status, 0
  br i1 %set, label %done, label %drop_unowned
drop_unowned:
  call void @Py_DecRef(ptr %array)
  br label %failed
done:
  ret ptr %array
failed:
  ret ptr null
}

; Frees the buffers of outputs `from` ... of the call (after a failure).
define internal void @free_outputs(ptr %spec, ptr %slots, i64 %from) {
entry:
  %n_inputs = call i64 @spec_at(ptr %spec, i64 1)
  %n_outputs = call i64 @spec_at(ptr %spec, i64 2)
  %inputs_end = mul i64 %n_inputs, 2
  %outputs_at = add i64 %inputs_end, 5
  br label %loop
loop:
  %j = phi i64 [0, %entry], [%j.next, %next]
  %slot = phi i64 [0, %entry], [%slot.next, %next]
  %more = icmp ult i64 %j, %n_outputs
  br i1 %more, label %body, label %done
body:
  %out_at = mul i64 %j, 4
  %ndim_at = add i64 %outputs_at, %out_at
  %ndim_at1 = add i64 %ndim_at, 1
  %ndim = call i64 @spec_at(ptr %spec, i64 %ndim_at1)
  %later = icmp uge i64 %j, %from
  %is_buffer = icmp ne i64 %ndim, 0
  %owned = and i1 %later, %is_buffer
  br i1 %owned, label %free, label %next
free:
  %data_at = getelementptr i64, ptr %slots, i64 %slot
  %data = load ptr, ptr %data_at
  call void @scanjit_free(ptr %data)
  br label %next
next:
  %j.next = add i64 %j, 1
  %slots_used = add i64 %ndim, 1
  %slot.next = add i64 %slot, %slots_used
  br label %loop
done:
  ret void
}

define ptr @scanjit_call(ptr %self, ptr %args, i64 %nargs) {
entry:
  %spec = call ptr @PyCapsule_GetPointer(ptr %self, ptr null)
  %n_inputs = call i64 @spec_at(ptr %spec, i64 1)
  %arity = icmp eq i64 %nargs, %n_inputs
  br i1 %arity, label %check, label %decline
check:
  %k = phi i64 [0, %entry], [%k.next, %check_one]
  %more = icmp ult i64 %k, %n_inputs
  br i1 %more, label %check_one, label %run
check_one:
  %arg_at = getelementptr ptr, ptr %args, i64 %k
  %arg = load ptr, ptr %arg_at
  %ok = call i1 @takes(ptr %spec, i64 %k, ptr %arg)
  %k.next = add i64 %k, 1
  br i1 %ok, label %check, label %decline
decline:
  call void @Py_IncRef(ptr @scanjit_NotImplemented)
  ret ptr @scanjit_NotImplemented
run:
  %main_bits = call i64 @spec_at(ptr %spec, i64 0)
  %main = inttoptr i64 %main_bits to ptr
  %n_slots = call i64 @spec_at(ptr %spec, i64 3)
  %status_and_slots = add i64 %n_slots, 1
  %buffer = alloca i64, i64 %status_and_slots, align 8
  %slots = getelementptr i64, ptr %buffer, i64 1
  %thread = call ptr @PyEval_SaveThread()
  %status = call i32 %main(ptr %args, ptr %slots)
  call void @PyEval_RestoreThread(ptr %thread)
  %failed = icmp ne i32 %status, 0
  br i1 %failed, label %report, label %outputs
report:
  %status64 = sext i32 %status to i64
  store i64 %status64, ptr %buffer
  %report_bytes = mul i64 %status_and_slots, 8
  %bytes = call ptr @PyBytes_FromStringAndSize(ptr %buffer, i64 %report_bytes)
  ret ptr %bytes
outputs:
  %n_outputs = call i64 @spec_at(ptr %spec, i64 2)
  %single = call i64 @spec_at(ptr %spec, i64 4)
  %inputs_end = mul i64 %n_inputs, 2
  %outputs_at = add i64 %inputs_end, 5
  %out_spec = getelementptr i64, ptr %spec, i64 %outputs_at
  %alone = icmp ne i64 %single, 0
  br i1 %alone, label %one, label %list
one:
  %result = call ptr @wrap_output(ptr %out_spec, ptr %slots)
  ret ptr %result
list:
  %values = call ptr @PyList_New(i64 %n_outputs)
  %no_list = icmp eq ptr %values, null
  br i1 %no_list, label %cleanup_all, label %fill
fill:
  %j = phi i64 [0, %list], [%j.next, %stored]
  %slot = phi i64 [0, %list], [%slot.next, %stored]
  %more_outputs = icmp ult i64 %j, %n_outputs
  br i1 %more_outputs, label %wrap, label %filled
wrap:
  %out_at = mul i64 %j, 4
  %this_spec = getelementptr i64, ptr %out_spec, i64 %out_at
  %these_slots = getelementptr i64, ptr %slots, i64 %slot
  %value = call ptr @wrap_output(ptr %this_spec, ptr %these_slots)
  %j.next = add i64 %j, 1
  %no_value = icmp eq ptr %value, null
  br i1 %no_value, label %cleanup_rest, label %stored
stored:
  %unused = call i32 @PyList_SetItem(ptr %values, i64 %j, ptr %value)  ; cannot fail here
  %ndim = call i64 @spec_at(ptr %this_spec, i64 1)
  %slots_used = add i64 %ndim, 1
  %slot.next = add i64 %slot, %slots_used
  br label %fill
filled:
  ret ptr %values
cleanup_rest:
  call void @free_outputs(ptr %spec, ptr %slots, i64 %j.next)
  call void @Py_DecRef(ptr %values)
  ret ptr null
cleanup_all:
  call void @free_outputs(ptr %spec, ptr %slots, i64 0)
  ret ptr null
}
