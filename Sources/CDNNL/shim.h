// oneDNN 2.6's C API (Debian: libdnnl-dev) and the few helpers the bf16 trunk builds on: they
// hide the fixed-size dims arrays and argument lists that are awkward from Swift.
#include <oneapi/dnnl/dnnl.h>
#include <cpuid.h>

// OpenMP (oneDNN's threading runtime here): threads of the parallel regions the calling thread starts.
void omp_set_num_threads(int);
int omp_get_max_threads(void);

// 1 when the CPU reports AVX512_BF16 (CPUID leaf 7, sub-leaf 1, EAX bit 5) and AVX512F.
static inline int sweep_cpu_has_avx512_bf16(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    if (!((b >> 16) & 1)) return 0;
    __cpuid_count(7, 1, a, b, c, d);
    return (a >> 5) & 1;
}

// A forward-inference direct convolution: src (n, ic, ih, iw) bf16 NHWC; weights bf16 in the
// library's preferred layout (query it with dnnl_query_weights_md); bias f32; dst NHWC of
// dst_type; accumulation in f32. Post-ops: dst = relu?(conv + bias + (sum ? dst : 0)).
static inline dnnl_status_t sweep_dnnl_conv_pd(dnnl_primitive_desc_t *pd, dnnl_engine_t engine,
                                               int n, int ic, int ih, int iw, int oc, int k, int stride, int pad,
                                               dnnl_data_type_t dst_type, int sum, int relu) {
    int oh = (ih + 2 * pad - k) / stride + 1, ow = (iw + 2 * pad - k) / stride + 1;
    dnnl_dims_t src_dims = {n, ic, ih, iw}, w_dims = {oc, ic, k, k}, b_dims = {oc}, dst_dims = {n, oc, oh, ow};
    dnnl_dims_t strides = {stride, stride}, padding = {pad, pad};
    dnnl_memory_desc_t src_md, w_md, b_md, dst_md;
    dnnl_status_t s;
    if ((s = dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_bf16, dnnl_nhwc))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&w_md, 4, w_dims, dnnl_bf16, dnnl_format_tag_any))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&b_md, 1, b_dims, dnnl_f32, dnnl_x))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dst_type, dnnl_nhwc))) return s;
    dnnl_convolution_desc_t desc;
    if ((s = dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_convolution_direct, &src_md, &w_md,
                                                &b_md, &dst_md, strides, padding, padding))) return s;
    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t ops;
    if ((s = dnnl_primitive_attr_create(&attr))) return s;
    if ((s = dnnl_post_ops_create(&ops))) { dnnl_primitive_attr_destroy(attr); return s; }
    if (sum) s = dnnl_post_ops_append_sum(ops, 1.0f);
    if (!s && relu) s = dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
    if (!s) s = dnnl_primitive_attr_set_post_ops(attr, ops);
    if (!s) s = dnnl_primitive_desc_create(pd, &desc, attr, engine, NULL);
    dnnl_post_ops_destroy(ops);
    dnnl_primitive_attr_destroy(attr);
    return s;
}

// Max pooling, inference, bf16 NHWC (n, c, ih, iw); padding never wins.
static inline dnnl_status_t sweep_dnnl_maxpool_pd(dnnl_primitive_desc_t *pd, dnnl_engine_t engine,
                                                  int n, int c, int ih, int iw, int k, int stride, int pad) {
    int oh = (ih + 2 * pad - k) / stride + 1, ow = (iw + 2 * pad - k) / stride + 1;
    dnnl_dims_t src_dims = {n, c, ih, iw}, dst_dims = {n, c, oh, ow};
    dnnl_dims_t strides = {stride, stride}, kernel = {k, k}, padding = {pad, pad};
    dnnl_memory_desc_t src_md, dst_md;
    dnnl_status_t s;
    if ((s = dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_bf16, dnnl_nhwc))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_bf16, dnnl_nhwc))) return s;
    dnnl_pooling_desc_t desc;
    if ((s = dnnl_pooling_forward_desc_init(&desc, dnnl_forward_inference, dnnl_pooling_max, &src_md, &dst_md, strides,
                                            kernel, padding, padding))) return s;
    return dnnl_primitive_desc_create(pd, &desc, NULL, engine, NULL);
}

// A memory object over `data` (not owned): an (n, c, h, w) NHWC tensor of `type`.
static inline dnnl_status_t sweep_dnnl_nhwc_memory(dnnl_memory_t *memory, dnnl_engine_t engine, int n, int c, int h,
                                                   int w, dnnl_data_type_t type, void *data) {
    dnnl_dims_t dims = {n, c, h, w};
    dnnl_memory_desc_t md;
    dnnl_status_t s = dnnl_memory_desc_init_by_tag(&md, 4, dims, type, dnnl_nhwc);
    return s ? s : dnnl_memory_create(memory, &md, engine, data);
}

// A memory object over `data` (not owned): `count` f32 values.
static inline dnnl_status_t sweep_dnnl_vector_memory(dnnl_memory_t *memory, dnnl_engine_t engine, int count,
                                                     float *data) {
    dnnl_dims_t dims = {count};
    dnnl_memory_desc_t md;
    dnnl_status_t s = dnnl_memory_desc_init_by_tag(&md, 1, dims, dnnl_f32, dnnl_x);
    return s ? s : dnnl_memory_create(memory, &md, engine, data);
}

// The weights of convolution `pd`, converted once: from f32 (kh, kw, ic, oc) ("hwio") at `hwio`
// into a library-owned memory in the primitive's bf16 layout.
static inline dnnl_status_t sweep_dnnl_weights(dnnl_memory_t *weights, dnnl_engine_t engine, dnnl_stream_t stream,
                                               const_dnnl_primitive_desc_t pd, const float *hwio, int oc, int ic,
                                               int k) {
    dnnl_dims_t dims = {oc, ic, k, k};
    dnnl_memory_desc_t user_md;
    dnnl_memory_t user = NULL;
    dnnl_primitive_desc_t reorder_pd = NULL;
    dnnl_primitive_t reorder = NULL;
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_status_t s = dnnl_memory_desc_init_by_tag(&user_md, 4, dims, dnnl_f32, dnnl_hwio);
    if (!s) s = dnnl_memory_create(&user, &user_md, engine, (void *)hwio);
    if (!s) s = dnnl_memory_create(weights, md, engine, DNNL_MEMORY_ALLOCATE);
    if (!s) s = dnnl_reorder_primitive_desc_create(&reorder_pd, &user_md, engine, md, engine, NULL);
    if (!s) s = dnnl_primitive_create(&reorder, reorder_pd);
    if (!s) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, *weights}};
        s = dnnl_primitive_execute(reorder, stream, 2, args);
    }
    if (!s) s = dnnl_stream_wait(stream);
    if (reorder) dnnl_primitive_destroy(reorder);
    if (reorder_pd) dnnl_primitive_desc_destroy(reorder_pd);
    if (user) dnnl_memory_destroy(user);
    return s;
}

// Runs a convolution made from sweep_dnnl_conv_pd.
static inline dnnl_status_t sweep_dnnl_conv_run(const_dnnl_primitive_t conv, dnnl_stream_t stream, dnnl_memory_t src,
                                                dnnl_memory_t weights, dnnl_memory_t bias, dnnl_memory_t dst) {
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias},
                               {DNNL_ARG_DST, dst}};
    return dnnl_primitive_execute(conv, stream, 4, args);
}

// Runs a pooling made from sweep_dnnl_maxpool_pd.
static inline dnnl_status_t sweep_dnnl_pool_run(const_dnnl_primitive_t pool, dnnl_stream_t stream, dnnl_memory_t src,
                                                dnnl_memory_t dst) {
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
    return dnnl_primitive_execute(pool, stream, 2, args);
}

// The implementation oneDNN chose for a primitive (e.g. "brg:avx512_core_bf16"), for the bench.
static inline const char *sweep_dnnl_impl(const_dnnl_primitive_desc_t pd) {
    const char *name = NULL;
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name);
    return name;
}
