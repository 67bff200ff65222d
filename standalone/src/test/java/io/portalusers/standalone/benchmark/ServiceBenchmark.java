package io.portalusers.standalone.benchmark;

import io.portalusers.standalone.ApiTest;

/**
 * A benchmark of the service booted as the API tests boot it. It times the service, so its
 * client does not check each answer against the OpenAPI document as the tests' clients do.
 */
abstract class ServiceBenchmark extends ApiTest {

    @Override
    protected boolean validatesAgainstOpenApi() {
        return false;
    }
}
