// The product's one blob container and the lifecycle rules that enforce results retention in Azure.
// Objects carry their class in the blob index tag `retention` (events, trades, metrics, summary);
// a class with a number of days is deleted that many days after its last write, summary is kept.

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string = resourceGroup().location

@description('Tags put on every resource.')
param tags object = {}

@description('Blob container holding data/ (base data, indices) and results/.')
param containerName string = 'signalreplay'

@description('Days after which each retention class under results/ is deleted. Must equal the application defaults (RetentionPolicy.Default).')
param retentionDays object = {
  events: 7
  trades: 90
  metrics: 365
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Silos authenticate with a managed identity; no account key ever reaches app settings.
    allowSharedKeyAccess: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        for retention in items(retentionDays): {
          name: 'delete-${retention.key}'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${containerName}/results/'
              ]
              blobIndexMatch: [
                {
                  name: 'retention'
                  op: '=='
                  value: retention.key
                }
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: retention.value
                }
              }
            }
          }
        }
      ]
    }
  }
}

output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output containerName string = container.name
