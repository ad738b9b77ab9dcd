// azd's entry point: one resource group per azd environment, composed from the modules in ../bicep.
targetScope = 'subscription'

@description('Name of the azd environment; names and tags every resource.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for every resource.')
@minLength(1)
param location string

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

output AZURE_RESOURCE_GROUP string = group.name
output AZURE_STORAGE_ACCOUNT string = storage.outputs.accountName
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output SIGNALREPLAY_CONTAINER string = storage.outputs.containerName
