// azd's entry point: one resource group per azd environment, composed from the modules in ../bicep.
targetScope = 'subscription'

@description('Name of the azd environment; names and tags every resource.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for every resource.')
@minLength(1)
param location string

@description('Plugin folders inside the silo container, separated by \';\': `azd env set SIGNALREPLAY_PLUGINS /app/plugins/MyPlugin` (build the plugin into src/SignalReplay.Silo/plugins/MyPlugin first). Empty: built-ins only.')
param plugins string = ''

@description('Where the silo sends its OpenTelemetry traces and metrics (OTLP): `azd env set OTEL_EXPORTER_OTLP_ENDPOINT http://collector:4318`. Empty: not exported.')
param otlpEndpoint string = ''

@description('Key every /api request must send as X-Api-Key (at least 16 characters): `azd env set SIGNALREPLAY_API_KEY <key>` before `azd up`.')
@secure()
@minLength(16)
param apiKey string

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module storage '../bicep/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring '../bicep/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    name: 'log-${resourceToken}'
    location: location
    tags: tags
  }
}

module registry '../bicep/registry.bicep' = {
  name: 'registry'
  scope: group
  params: {
    name: 'cr${resourceToken}'
    location: location
    tags: tags
  }
}

module identity '../bicep/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.accountName
    registryName: registry.outputs.name
  }
}

module redis '../bicep/redis.bicep' = {
  name: 'redis'
  scope: group
  params: {
    name: 'redis-${resourceToken}'
    location: location
    tags: tags
  }
}

module silo '../bicep/containerapps.bicep' = {
  name: 'silo'
  scope: group
  params: {
    name: resourceToken
    location: location
    tags: tags
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    blobEndpoint: storage.outputs.blobEndpoint
    containerName: storage.outputs.containerName
    redisName: redis.outputs.name
    apiKey: apiKey
    plugins: plugins
    otlpEndpoint: otlpEndpoint
  }
}

output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_STORAGE_ACCOUNT string = storage.outputs.accountName
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output SIGNALREPLAY_CONTAINER string = storage.outputs.containerName
output SIGNALREPLAY_API_URL string = silo.outputs.url
