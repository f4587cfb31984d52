package dev.uploadkit.servlet;

import java.util.Map;

/**
 * Supplies the services of an {@link UploadServlet} that a container created through its no-argument
 * constructor (a {@code web.xml} declaration), where no code can call {@link UploadServlet#builder()}.
 *
 * <p>Implementations have a public no-argument constructor and are found, in this order, by the
 * {@value UploadServlet#FACTORY_PARAM} init-param naming the class, or as the single provider of this
 * interface registered for {@link java.util.ServiceLoader} ({@code META-INF/services/dev.uploadkit.servlet.ServletComponents}).
 *
 * <pre>{@code
 * public final class MyComponents implements ServletComponents {
 *     public void configure(UploadServlet.Builder builder, Map<String, String> params) {
 *         UploadkitDatabase db = UploadkitDatabase.open(params.get("database-url"));
 *         FileStore store = JcloudsFileStore.filesystem("local", Path.of(params.get("data-dir")));
 *         UploadService uploads = UploadService.builder().catalog(db.catalog()).store(store).build();
 *         BackgroundWork work = BackgroundWork.builder().uploadService(uploads)
 *                 .jobRunner(db.jobRunner(uploads.instanceId())).build();
 *         work.start();
 *         // Closed last registered first: background work, then the service, the store and the database.
 *         builder.uploadService(uploads)
 *                .accessService(AccessService.create(db.projects()))
 *                .closeOnDestroy(db).closeOnDestroy(store).closeOnDestroy(uploads).closeOnDestroy(work);
 *     }
 * }
 * }</pre>
 *
 * <p>The servlet interprets the init-params it documents ({@code signing-key}, {@code public-base-url}, limits)
 * before calling {@link #configure}; everything else, such as {@code database-url}, {@code data-dir} or
 * {@code store-dir}, is for the implementation to read.
 */
@FunctionalInterface
public interface ServletComponents {

    /**
     * Sets at least {@link UploadServlet.Builder#uploadService} and {@link UploadServlet.Builder#accessService}
     * (or an {@link UploadServlet.Builder#authenticator}) on {@code builder}. Called once, from
     * {@link UploadServlet#init()}; resources registered with {@link UploadServlet.Builder#closeOnDestroy} are
     * closed when the servlet is destroyed.
     *
     * @param initParameters every init-param of the servlet, unmodifiable
     * @throws RuntimeException to refuse to start; the servlet reports it as an {@code UnavailableException}
     */
    void configure(UploadServlet.Builder builder, Map<String, String> initParameters);
}
