// Log Analytics: where the Container Apps environment sends console and system logs.

@description('Workspace name.')
param name string

@description('Azure region.')
param location string = resourceGroup().location

@description('Tags put on every resource.')
param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

output workspaceName string = workspace.name
